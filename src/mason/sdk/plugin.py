"""What a plugin's entry-point module uses: the hook marker and the registrars.

``hookimpl`` (and pluggy with it) loads on first use: engines import
``import_object`` from here on every run, which never needs pluggy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason_core.imports import import_object
from mason_core.lazy import lazy_exports
from mason_core.registry import (
    RegisterClient,
    RegisterEngine,
    RegisterOperators,
    RegisterWorkflows,
)

if TYPE_CHECKING:
    from mason_core.hookspecs import hookimpl

__all__ = [
    "RegisterClient",
    "RegisterEngine",
    "RegisterOperators",
    "RegisterWorkflows",
    "hookimpl",
    "import_object",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), {"hookimpl": "mason_core.hookspecs"})
