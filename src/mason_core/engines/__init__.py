"""The engine interfaces. Clients implement one class per engine they serve.

Each name loads its own module on first use: a ``table get`` on a metastore
imports the metastore interface, not the execution engine's job records and
models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason_core.lazy import lazy_exports

if TYPE_CHECKING:
    from mason_core.engines.base import Engine, EngineContext
    from mason_core.engines.builtin import BUILTIN_ENGINES
    from mason_core.engines.execution import ExecutionEngine
    from mason_core.engines.filesystems import (
        ArrowFilesystemSource,
        RemoteFilesystem,
        RemoteFilesystemResolver,
    )
    from mason_core.engines.metastore import TABLE_FORMAT_VERBS, MetastoreEngine
    from mason_core.engines.scheduler import SchedulerEngine
    from mason_core.engines.storage import StorageEngine

#: every exported name -> the module defining it (mason.sdk.engines uses it too).
WHERE: dict[str, str] = {
    "BUILTIN_ENGINES": "mason_core.engines.builtin",
    "ArrowFilesystemSource": "mason_core.engines.filesystems",
    "Engine": "mason_core.engines.base",
    "EngineContext": "mason_core.engines.base",
    "ExecutionEngine": "mason_core.engines.execution",
    "MetastoreEngine": "mason_core.engines.metastore",
    "RemoteFilesystem": "mason_core.engines.filesystems",
    "RemoteFilesystemResolver": "mason_core.engines.filesystems",
    "SchedulerEngine": "mason_core.engines.scheduler",
    "StorageEngine": "mason_core.engines.storage",
    "TABLE_FORMAT_VERBS": "mason_core.engines.metastore",
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

__getattr__, __dir__ = lazy_exports(__name__, globals(), WHERE)
