"""The engine interfaces. Clients implement one class per engine they serve."""

from mason_core.engines.base import Engine, EngineContext
from mason_core.engines.execution import ExecutionEngine
from mason_core.engines.filesystems import (
    ArrowFilesystemSource,
    RemoteFilesystem,
    RemoteFilesystemResolver,
)
from mason_core.engines.metastore import TABLE_FORMAT_VERBS, MetastoreEngine
from mason_core.engines.scheduler import SchedulerEngine
from mason_core.engines.storage import StorageEngine

#: the four engines the core defines; plugins may register more.
BUILTIN_ENGINES: dict[str, type[Engine]] = {
    "metastore": MetastoreEngine,
    "storage": StorageEngine,
    "execution": ExecutionEngine,
    "scheduler": SchedulerEngine,
}

__all__ = [
    "BUILTIN_ENGINES",
    "TABLE_FORMAT_VERBS",
    "ArrowFilesystemSource",
    "Engine",
    "EngineContext",
    "ExecutionEngine",
    "MetastoreEngine",
    "RemoteFilesystem",
    "RemoteFilesystemResolver",
    "SchedulerEngine",
    "StorageEngine",
]
