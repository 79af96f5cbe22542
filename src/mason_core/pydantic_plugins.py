"""Pydantic's own plugins (the ``pydantic`` entry-point group) on a plain run.

The first time pydantic builds a validator it looks for plugins: it imports
:mod:`importlib.metadata` (with :mod:`email` and :mod:`zipfile` behind it) and
reads the entry points of every installed distribution. On a ``mason op NS
CMD`` that is about a tenth of the process, spent to learn what rarely
changes. The registry index (:mod:`mason_core.index`) records the ``pydantic``
entry points installed, kept up to date the way it keeps the ``mason`` ones
(:func:`installed`); when it shows none, :func:`answer_no_plugins` gives
pydantic that answer without the search.

It does so by putting a stand-in for ``pydantic.plugin._loader`` in
``sys.modules`` for this process only: nothing goes into the environment, so
child processes (an engine's worker, an Airflow task) search as usual. The
stand-in answers ``get_plugins()`` with no plugin, which is what pydantic's own
loader returns when no ``pydantic`` entry point is installed, whatever
``PYDANTIC_DISABLE_PLUGINS`` says; any other name loads pydantic's real loader
and comes from it, so a pydantic that changes its loader is slower, not wrong.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: pydantic's plugin loader, which ``create_schema_validator`` imports
LOADER = "pydantic.plugin._loader"
#: the entry-point group pydantic's plugins are installed under
GROUP = "pydantic"


def installed() -> list[list[str]]:
    """The installed ``pydantic`` entry points (name, value), from metadata."""
    import importlib.metadata as md

    return sorted([ep.name, ep.value] for ep in md.entry_points(group=GROUP))


class _NoPlugins(types.ModuleType):
    """Pydantic's plugin loader when no pydantic plugin is installed."""

    def get_plugins(self) -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (``__path__``...)
            raise AttributeError(name)
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return getattr(importlib.import_module(LOADER), name)


def answer_no_plugins(recorded: Any) -> bool:
    """Spare pydantic its plugin search in this process when ``recorded`` (the
    index's list of ``pydantic`` entry points, for the current installation)
    is empty; whether it did. Nothing changes once pydantic's loader is loaded,
    nor when the list is unknown (None) or names a plugin."""
    if recorded != [] or LOADER in sys.modules:
        return False
    sys.modules[LOADER] = _NoPlugins(LOADER)
    return True
