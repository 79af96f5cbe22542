"""The core's own plugin: it registers the four built-in engines."""

from __future__ import annotations

from mason_core.hookspecs import hookimpl
from mason_core.registry import RegisterEngine

_ENGINES = {
    "metastore": "databases, tables, schemas and partitions",
    "storage": "paths, files and the tables they hold",
    "execution": "jobs: query, merge, format, summarize, dedupe, infer, preview",
    "scheduler": "DAGs, schedules and triggers",
}


@hookimpl
def mason_register_engines(register: RegisterEngine) -> None:
    for name, description in _ENGINES.items():
        cls = f"{name.capitalize()}Engine"
        register(name, interface=f"mason_core.engines.{name}:{cls}", description=description)
