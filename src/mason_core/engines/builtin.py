"""The four engines the core defines, by name (plugins may register more)."""

from __future__ import annotations

from mason_core.engines.base import Engine
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
