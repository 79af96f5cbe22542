"""The module named by the ``mason`` entry point: metadata only, no import of
the implementation, so ``mason --help`` stays light."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason import hookimpl
from mason_tinydb.config import TinyConfig

if TYPE_CHECKING:
    from mason.sdk.plugin import RegisterClient


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "tinydb",
        config_model=TinyConfig,
        engines={"metastore": "mason_tinydb.metastore:TinyMetastore"},
        description="A catalog in one JSON file (example third-party client)",
    )
