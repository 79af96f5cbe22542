"""Reading ``operator.yaml`` / ``workflow.yaml`` definition folders.

Shared by operators and workflows: both are a YAML file in a folder that may
also hold the Python class that implements them.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mason_core.errors import DefinitionError, PluginLoadError
from mason_core.safe_yaml import read_yaml_file


def read_yaml(path: Path) -> Any:
    """A definition (or parameter) file, through the one limited YAML loader."""
    return read_yaml_file(path, DefinitionError)


def find_definition_files(root: Path, filename: str) -> Iterator[Path]:
    """``root/filename`` if present, else every ``filename`` below ``root``."""
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise DefinitionError(f"{root}: no such directory")
    direct = root / filename
    if direct.is_file():
        yield direct
        return
    yield from sorted(p for p in root.rglob(filename) if "__pycache__" not in p.parts)


M = TypeVar("M", bound=BaseModel)


def parse_definition(path: Path, kind: str, model: type[M], plugin: str, data: Any = None) -> M:
    """Validate one ``kind.yaml`` (already read as ``data``, or read from ``path``)
    into ``model``, remembering the folder it came from and its plugin."""
    raw = read_yaml(path) if data is None else data
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: expected a mapping with type: {kind}")
    if raw.get("type", kind) != kind:
        raise DefinitionError(f"{path}: type is '{raw.get('type')}', expected '{kind}'")
    try:
        return model.model_validate({**raw, "source_dir": path.parent, "plugin": plugin})
    except ValidationError as exc:
        raise pydantic_problem(path, exc) from None


def pydantic_problem(path: Path, exc: ValidationError) -> DefinitionError:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{loc}: {err['msg']}")
    return DefinitionError(f"{path}: " + "; ".join(parts))


def camel_name(namespace: str, command: str) -> str:
    """``table:get`` -> ``TableGet``, the original Mason naming convention."""
    words = re.split(r"[^0-9a-zA-Z]+", f"{namespace} {command}")
    return "".join(w[:1].upper() + w[1:] for w in words if w)


#: one import at a time: threads loading the same folder must not see a half-run module.
_IMPORT_LOCK = threading.RLock()


def import_module_at(folder: Path, unique_name: str) -> ModuleType:
    """Import the ``__init__.py`` in ``folder``.

    If the folder is a package reachable on ``sys.path`` it is imported by its
    dotted name (so type checks and ``isinstance`` see one module); otherwise
    it is loaded from the file under ``unique_name``.
    """
    with _IMPORT_LOCK:
        return _import_module_at(folder, unique_name)


def _import_module_at(folder: Path, unique_name: str) -> ModuleType:
    init = folder / "__init__.py"
    if not init.is_file():
        raise PluginLoadError(f"{folder}: no __init__.py with the implementation")
    dotted = _dotted_name(folder)
    if dotted is not None:
        try:
            spec = importlib.util.find_spec(dotted)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and Path(spec.origin).resolve() == init.resolve():
            return importlib.import_module(dotted)
    if unique_name in sys.modules:
        return sys.modules[unique_name]
    spec = importlib.util.spec_from_file_location(unique_name, init)
    if spec is None or spec.loader is None:
        raise PluginLoadError(f"cannot load {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[unique_name]
        raise PluginLoadError(f"{init}: {type(exc).__name__}: {exc}") from exc
    return module


def _dotted_name(folder: Path) -> str | None:
    parts: list[str] = []
    current = folder.resolve()
    while (current / "__init__.py").is_file():
        parts.append(current.name)
        current = current.parent
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(reversed(parts))
