"""What a plugin's entry-point module uses: the hook marker and the registrars."""

from mason_core.hookspecs import hookimpl
from mason_core.imports import import_object
from mason_core.registry import (
    RegisterClient,
    RegisterEngine,
    RegisterOperators,
    RegisterWorkflows,
)

__all__ = [
    "RegisterClient",
    "RegisterEngine",
    "RegisterOperators",
    "RegisterWorkflows",
    "hookimpl",
    "import_object",
]
