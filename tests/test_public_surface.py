"""Plugins live on the public surface: nothing under ``plugins/`` imports
``mason_core``, so a third party can do everything Mason's own plugins do."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_FILES = sorted(p for p in (ROOT / "plugins").rglob("*.py") if ".venv" not in p.parts)


def core_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "mason_core"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mason_core":
            found.append(node.module or "")
    return found


def test_plugins_exist() -> None:
    assert len(PLUGIN_FILES) > 50


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_imports_no_mason_core(path: Path) -> None:
    assert core_imports(path) == [], f"{path} imports internals: use mason.sdk"


def test_the_check_sees_a_core_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from mason_core.home import atomic_write_json\n", "utf-8")
    assert core_imports(bad) == ["mason_core.home"]


SDK_MODULES = (
    "plugin",
    "engines",
    "models",
    "errors",
    "secrets",
    "state",
    "tabular",
    "progress",
    "workflows",
    "outputs",
    "jobs",
)


@pytest.mark.parametrize("name", SDK_MODULES)
def test_sdk_module_exports_resolve(name: str) -> None:
    module = importlib.import_module(f"mason.sdk.{name}")
    assert module.__doc__, f"mason.sdk.{name} has no docstring"
    assert module.__all__
    for export in module.__all__:
        assert getattr(module, export) is not None, f"mason.sdk.{name}.{export}"
