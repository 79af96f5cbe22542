"""Recognising operator and workflow code written for the original Mason, at
``mason register`` / ``mason validate`` time, without importing it.

The original's operators implement ``run(self, env, config, parameters, resp)``
against ``mason.clients...``, ``mason.engines...`` and friends, which this
Mason does not have: such a folder would register and then fail only when run.
Rather than emulate the original's internals (see docs/migrating.md for why),
its ``__init__.py`` is parsed with :mod:`ast` and refused, naming what is from
the original and showing the new form.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from mason_core.definitions import camel_name
from mason_core.errors import DefinitionError

MIGRATING = "see docs/migrating.md"

_OPERATOR_FORM = (
    "write it as 'from mason import OperatorContext, OperatorDefinition' and "
    "'class {cls}(OperatorDefinition): def run(self, ctx: OperatorContext)', reading "
    "ctx.params['name'] and calling ctx.metastore / ctx.storage / ctx.execution / "
    "ctx.scheduler, returning the model (no Response, no tuples)"
)
_WORKFLOW_FORM = (
    "write it as 'from mason.sdk.workflows import Decision, ExecutedStep, PlannedStep, "
    "WorkflowDefinition' and 'class {cls}(WorkflowDefinition): def step(self, current: "
    "ExecutedStep, next: PlannedStep) -> Decision', returning next, next.skip(why) or "
    "current.failed(why)"
)


def _module_exists(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _missing_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """``mason.*`` modules (and ``from mason import`` names) this Mason lacks."""
    import mason

    missing: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name
                if name.startswith("mason.") and not _module_exists(name):
                    missing.append((name, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if module == "mason":
                for alias in node.names:
                    if not hasattr(mason, alias.name) and not _module_exists(f"mason.{alias.name}"):
                        missing.append((f"mason.{alias.name}", node.lineno))
            elif module.startswith("mason.") and not _module_exists(module):
                missing.append((module, node.lineno))
    return missing


def _original_run(tree: ast.Module, cls_name: str, method: str) -> list[str] | None:
    """The parameters of ``cls_name.method`` when it takes more than the new form."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method:
                    names = [a.arg for a in item.args.args[1:]]
                    return names if len(names) > (1 if method == "run" else 2) else None
    return None


def refuse_original_code(folder: Path, kind: str, namespace: str, command: str) -> None:
    """Raise :class:`DefinitionError` when ``folder`` holds original-Mason code."""
    problem = original_code_problem(folder, kind, namespace, command)
    if problem is not None:
        raise DefinitionError(problem)


def original_code_problem(folder: Path, kind: str, namespace: str, command: str) -> str | None:
    """Why ``folder/__init__.py`` is original-Mason code (one line), or ``None``.

    ``kind`` is ``operator`` or ``workflow``. A file that is not valid Python is
    reported too: it could only fail later, when run.
    """
    init = folder / "__init__.py"
    if not init.is_file():
        return None
    try:
        tree = ast.parse(init.read_text("utf-8"), filename=str(init))
    except SyntaxError as exc:
        return f"{init}: not valid Python (line {exc.lineno}: {exc.msg})"
    except (OSError, UnicodeDecodeError) as exc:
        return f"{init}: cannot be read ({exc})"
    cls = camel_name(namespace, command)
    found: list[str] = []
    missing = _missing_imports(tree)
    if missing:
        shown = ", ".join(f"{name} (line {line})" for name, line in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        found.append(f"it imports {shown}{more}, which this Mason does not have")
    if kind == "operator":
        params = _original_run(tree, cls, "run")
        if params is not None:
            found.append(f"{cls}.run takes ({', '.join(params)}) as the original's did")
    if not found:
        return None
    form = (_OPERATOR_FORM if kind == "operator" else _WORKFLOW_FORM).format(cls=cls)
    return (
        f"{init} is {kind} code for the original Mason: {'; '.join(found)}. "
        f"{form[0].upper()}{form[1:]}; {MIGRATING}"
    )
