"""Engine base classes. A client implements one subclass per engine it serves and
overrides the verbs it serves; every other verb raises ``VerbNotServedError``.

Each name loads its own module on first use (a metastore client does not
import the execution engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason_core.engines import WHERE
from mason_core.lazy import lazy_exports

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_exports(__name__, globals(), WHERE)
