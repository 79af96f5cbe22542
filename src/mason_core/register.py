"""``mason register PATH``: copy validated folder operators and workflows
into MASON_HOME, where the registry finds them next time."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mason_core.definitions import find_definition_files, read_yaml
from mason_core.errors import DefinitionError
from mason_core.home import MasonHome
from mason_core.machine import writing
from mason_core.operators.spec import parse_operator
from mason_core.original import refuse_original_code
from mason_core.workflows.spec import parse_workflow


@dataclass
class Registered:
    kind: str
    namespace: str
    command: str
    source: Path
    target: Path


def _definitions(root: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for filename, kind in (("operator.yaml", "operator"), ("workflow.yaml", "workflow")):
        if root.is_file():
            if root.name == filename:
                found.append((kind, root))
            continue
        found.extend((kind, p) for p in find_definition_files(root, filename))
    return found


def register_path(home: MasonHome, root: Path) -> list[Registered]:
    """Validate every definition under ``root`` first; copy only if all are valid."""
    root = root.expanduser()
    if not root.exists():
        raise DefinitionError(f"{root}: no such file or directory")
    found = _definitions(root)
    if not found:
        raise DefinitionError(f"{root}: no operator.yaml or workflow.yaml found")
    planned: list[Registered] = []
    for kind, path in found:
        data = read_yaml(path)
        spec = (
            parse_operator(path, "registered", data)
            if kind == "operator"
            else parse_workflow(path, "registered", data)
        )
        if spec.implementation is None:  # the folder's __init__.py is the code
            refuse_original_code(path.parent, kind, spec.namespace, spec.command)
        base = home.registered_operators if kind == "operator" else home.registered_workflows
        planned.append(
            Registered(
                kind,
                spec.namespace,
                spec.command,
                path.parent,
                base / spec.namespace / spec.command,
            )
        )
    with writing(home.path):
        home.ensure()
    for item in planned:
        with writing(item.target):  # shutil.Error's list of failed files, one line
            _replace_dir(item.source, item.target)
    return planned


def _replace_dir(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` through a staging folder and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        copy = staging / "def"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        if target.exists():
            old = staging / "old"
            target.rename(old)
        copy.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
