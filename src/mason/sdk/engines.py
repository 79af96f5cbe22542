"""Engine base classes. A client implements one subclass per engine it serves and
overrides the verbs it serves; every other verb raises ``VerbNotServedError``."""

from mason_core.engines import (
    BUILTIN_ENGINES,
    TABLE_FORMAT_VERBS,
    ArrowFilesystemSource,
    Engine,
    EngineContext,
    ExecutionEngine,
    MetastoreEngine,
    RemoteFilesystem,
    RemoteFilesystemResolver,
    SchedulerEngine,
    StorageEngine,
)

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
