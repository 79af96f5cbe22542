"""The ``local`` client's registration: metadata only, nothing heavy imported."""

from __future__ import annotations

from mason.sdk.plugin import RegisterClient, hookimpl
from mason_local.config import LocalClientConfig

ENGINES = {
    "storage": "mason_local.storage:LocalStorage",
    "metastore": "mason_local.metastore:LocalMetastore",
    "execution": "mason_local.execution:LocalExecution",
    "scheduler": "mason_local.scheduler:LocalScheduler",
}


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "local",
        config_model=LocalClientConfig,
        engines=ENGINES,
        description=(
            "This machine: files on disk, a SQLite catalog under MASON_HOME, "
            "DuckDB for jobs, an in-process scheduler"
        ),
        embedded_default=True,
    )
