"""Mason's own distributions and the clients and operators they provide.

The core discovers clients only through entry points and imports no plugin by
name; these tables are metadata about the distributions released with Mason:
which register first (so a collision keeps the first-party definition), and
which one to install for a client a configuration names, or an operator a
command names, that no installed plugin provides (a hint for error messages).
A third party's client or operator that is not installed is reported without a
hint. A misspelt client name gets a did-you-mean from the installed clients and
the first-party ones.
"""

from __future__ import annotations

from mason_core.suggest import closest

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


#: the distribution of Mason's operator bundle: the table, database, job and
#: schedule operators, and the example workflows.
OPERATOR_BUNDLE = "mason-operators-table"

#: operator (and workflow) namespace -> the first-party distribution filling it.
OPERATOR_PROVIDERS: dict[str, str] = {
    "table": OPERATOR_BUNDLE,
    "database": OPERATOR_BUNDLE,
    "job": OPERATOR_BUNDLE,
    "schedule": OPERATOR_BUNDLE,
}


def install_hint(distribution: str) -> str:
    """How to install one of Mason's distributions."""
    return f"pip install {distribution}"


def operator_provider_hint(namespace: str) -> str | None:
    """``comes with mason-operators-table: pip install mason-operators-table`` for
    a namespace Mason's own distributions fill; None for any other."""
    provider = OPERATOR_PROVIDERS.get(namespace)
    return f"comes with {provider}: {install_hint(provider)}" if provider else None


def missing_client_problem(name: str, installed: list[str]) -> str:
    """``unknown client 'spark' (pip install mason-spark; installed clients: ...)``;
    a misspelt name, ``unknown client 'gleu' (did you mean glue? ...)``."""
    known = ", ".join(sorted(installed)) or "none"
    provider = KNOWN_PROVIDERS.get(name)
    hint = f"{install_hint(provider)}; " if provider else ""
    if provider is None:
        meant = closest(name, [*installed, *KNOWN_PROVIDERS])
        if meant is not None:
            needs = KNOWN_PROVIDERS.get(meant) if meant not in installed else None
            hint = f"did you mean {meant}{f' ({install_hint(needs)})' if needs else ''}? "
    return f"unknown client '{name}' ({hint}installed clients: {known})"
