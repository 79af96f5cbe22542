"""The engine interfaces. Clients implement one class per engine they serve."""

from mason_core.engines.base import Engine, EngineContext
from mason_core.engines.execution import ExecutionEngine
from mason_core.engines.metastore import MetastoreEngine
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
    "Engine",
    "EngineContext",
    "ExecutionEngine",
    "MetastoreEngine",
    "SchedulerEngine",
    "StorageEngine",
]
