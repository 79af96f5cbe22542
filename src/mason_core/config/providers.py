"""Mason's own distributions and the clients they provide.

The core discovers clients only through entry points and imports no plugin by
name; these tables are metadata about the distributions released with Mason:
which register first (so a collision keeps the first-party definition), and
which one to install for a client a configuration names but no installed
plugin provides (a hint for error messages). A third party's client that is not
installed is reported without a hint.
"""

from __future__ import annotations

#: distributions released with Mason itself: they register before any other,
#: so in a collision the first-party definition is the one kept.
FIRST_PARTY = frozenset(
    {
        "mason-core",
        "mason-local",
        "mason-aws",
        "mason-spark",
        "mason-operators-table",
        "mason-airflow",
    }
)

#: client name -> the first-party distribution whose entry point registers it.
KNOWN_PROVIDERS: dict[str, str] = {
    "local": "mason-local",
    "s3": "mason-aws",
    "glue": "mason-aws",
    "athena": "mason-aws",
    "spark": "mason-spark",
    "airflow": "mason-airflow",
}


def missing_client_problem(name: str, installed: list[str]) -> str:
    """``unknown client 'spark' (pip install mason-spark; installed clients: ...)``."""
    known = ", ".join(sorted(installed)) or "none"
    provider = KNOWN_PROVIDERS.get(name)
    hint = f"pip install {provider}; " if provider else ""
    return f"unknown client '{name}' ({hint}installed clients: {known})"
