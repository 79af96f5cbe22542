"""The module named by the ``mason`` entry point.

Registration is metadata only: a name, a configuration model, ``module:Class``
strings and a folder of ``operator.yaml`` files. Nothing here imports the
implementation, so ``mason --help`` stays fast however many plugins are installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mason import hookimpl
from mason_acme.config import AcmeConfig

if TYPE_CHECKING:  # the registrar protocols, for type checkers only
    from mason import RegisterClient, RegisterOperators

_HERE = Path(__file__).parent


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "acme",
        config_model=AcmeConfig,
        engines={"metastore": "mason_acme.metastore:AcmeMetastore"},
        description="Acme's in-memory catalog (example third-party client)",
    )


@hookimpl
def mason_register_operators(register: RegisterOperators) -> None:
    register(_HERE / "operators")
