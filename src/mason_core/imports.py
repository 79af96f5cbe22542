"""Importing ``module:attr`` paths, the one way implementations are loaded late."""

from __future__ import annotations

import importlib
from typing import Any

from mason_core.errors import PluginLoadError


def import_object(path: str) -> Any:
    """Import ``package.module:Attribute`` (or ``package.module.Attribute``)."""
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # a plugin's import error must not escape as a traceback
        raise PluginLoadError(
            f"cannot import '{module_name}': {type(exc).__name__}: {exc}"
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise PluginLoadError(f"'{module_name}' has no attribute '{attr}'") from exc
