"""Package attributes loaded on first use (PEP 562).

Plugin modules import ``mason`` for ``hookimpl`` and the registry imports
``mason_core.workflows.spec`` to read definitions; neither should build every
model, engine and workflow class on the way. A package lists what it exports
and where each name lives; static checkers see the names through
``TYPE_CHECKING`` imports in the same package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], where: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each name
    to the module defining it (a name equal to a submodule loads the submodule)."""

    def __getattr__(name: str) -> Any:
        module_name = where.get(name)
        if module_name is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        module = importlib.import_module(module_name)
        value = module if module_name == f"{package}.{name}" else getattr(module, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
