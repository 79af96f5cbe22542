"""Which distribution provides a client Mason knows of but finds not installed.

The core discovers clients only through entry points; this table is a hint for
error messages, so a configuration naming ``spark`` without mason-spark says
what to install. It lists the first-party plugins only; a third party's client
that is not installed is reported without a hint.
"""

from __future__ import annotations

#: client name -> the distribution whose entry point registers it.
KNOWN_PROVIDERS: dict[str, str] = {
    "local": "mason-local",
    "s3": "mason-aws",
    "glue": "mason-aws",
    "athena": "mason-aws",
    "spark": "mason-spark",
}


def missing_client_problem(name: str, installed: list[str]) -> str:
    """``unknown client 'spark' (pip install mason-spark; installed clients: ...)``."""
    known = ", ".join(sorted(installed)) or "none"
    provider = KNOWN_PROVIDERS.get(name)
    hint = f"pip install {provider}; " if provider else ""
    return f"unknown client '{name}' ({hint}installed clients: {known})"
