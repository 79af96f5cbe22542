"""Write ``docs/sdk-reference.md`` from the code: every public name of each
``mason.sdk`` module and of ``mason.testing``, with engine verbs and their
signatures, model fields, and the error hierarchy.

It reads what the modules export (``__all__``) with :mod:`inspect` and pydantic's
``model_fields``; nothing is written by hand, so the page cannot drift from the
code (a test runs ``--check``).

    python scripts/gen_sdk_reference.py          # rewrite the page
    python scripts/gen_sdk_reference.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "sdk-reference.md"
HEADER = """\
# SDK reference

Generated from the code by `scripts/gen_sdk_reference.py`; do not edit by hand
(a test fails when this page is stale). The guide is [plugins.md](plugins.md).
Every name below is importable from the module it is listed under.
"""


def modules() -> list[str]:
    import mason.sdk

    found = sorted(m.name for m in pkgutil.iter_modules(mason.sdk.__path__))
    return [f"mason.sdk.{name}" for name in found] + ["mason.testing"]


def first_paragraph(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def signature(func: Any, drop_self: bool = False) -> str:
    """``(name: type = default, ...) -> type``, annotations as written in the source."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return "(...)"
    parts: list[str] = []
    for param in sig.parameters.values():
        if drop_self and not parts and param.name in ("self", "cls"):
            drop_self = False
            continue
        text = param.name
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            text = f"*{text}"
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            text = f"**{text}"
        if param.annotation is not param.empty:
            text += f": {annotation(param.annotation)}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    returns = sig.return_annotation
    tail = f" -> {annotation(returns)}" if returns is not sig.empty else ""
    return f"({', '.join(parts)}){tail}"


def annotation(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, type):
        return value.__name__
    return str(value).replace("typing.", "")


def show_default(value: Any) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if value is None or isinstance(value, (bool, int, float, str)):
        return f"`{value!r}`"
    if isinstance(value, (list, tuple, dict, set)) and not value:
        return f"`{value!r}`"
    return f"a `{type(value).__name__}`"


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def model_fields(cls: type[BaseModel]) -> list[str]:
    rows = ["| field | type | default | description |", "|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        annotation = field.annotation
        shown = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
        kind = shown or str(annotation).replace("typing.", "")
        if field.is_required():
            default = "required"
        elif field.default_factory is not None:
            default = "empty" if not field.default_factory() else "computed"  # type: ignore[call-arg]
        else:
            default = show_default(field.default)
        alias = f" (JSON `{field.alias}`)" if field.alias and field.alias != name else ""
        rows.append(
            f"| `{name}`{alias} | `{cell(kind)}` | {default} | {cell(field.description or '')} |"
        )
    return rows


def dataclass_fields(cls: type) -> list[str]:
    rows = ["| field | type | default |", "|---|---|---|"]
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            default = show_default(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            default = "empty" if not field.default_factory() else "computed"
        else:
            default = "required"
        rows.append(f"| `{field.name}` | `{cell(annotation(field.type))}` | {default} |")
    return rows


def engine_verbs(cls: type) -> list[str]:
    lines = []
    for verb in getattr(cls, "VERBS", ()):
        method = getattr(cls, verb)
        lines.append(f"- `{verb}{signature(method, drop_self=True)}`")
        summary = first_paragraph(method)
        if summary:
            lines.append(f"  {summary}")
    return lines


def public_methods(cls: type) -> list[str]:
    lines = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(member, (classmethod, staticmethod)):
            member = member.__func__
        if not inspect.isfunction(member):
            continue
        lines.append(f"- `{name}{signature(member, drop_self=True)}`")
    return lines


def own_doc(cls: type) -> str:
    """The class's own docstring, not one inherited from its base."""
    doc = vars(cls).get("__doc__")
    if doc and doc.startswith(f"{cls.__name__}("):  # a dataclass's generated signature
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split()) if doc else ""


def describe_class(name: str, cls: type) -> list[str]:
    bases = ", ".join(f"`{b.__name__}`" for b in cls.__bases__ if b is not object)
    lines = [f"### class `{name}`" + (f" ({bases})" if bases else ""), ""]
    summary = own_doc(cls)
    if summary:
        lines += [summary, ""]
    if issubclass(cls, BaseModel):
        lines += [*model_fields(cls), ""]
    elif dataclasses.is_dataclass(cls):
        lines += [*dataclass_fields(cls), "", *public_methods(cls)]
        lines += [""] if lines[-1] else []
    elif issubclass(cls, enum.Enum):
        lines += ["Values: " + ", ".join(f"`{m.value}`" for m in cls), ""]
    elif issubclass(cls, BaseException):
        code = getattr(cls, "exit_code", None)
        if code is not None:
            lines += [f"Exit code {code}.", ""]
    elif getattr(cls, "VERBS", None) and "_is_interface" in vars(cls):
        lines += [f"Engine `{cls.engine_type}`. Verbs:", "", *engine_verbs(cls), ""]  # type: ignore[attr-defined]
    else:
        methods = public_methods(cls)
        if methods:
            lines += [*methods, ""]
    return lines


def describe(name: str, obj: Any) -> list[str]:
    if inspect.isclass(obj):
        return describe_class(name, obj)
    if callable(obj) and (inspect.isfunction(obj) or inspect.isbuiltin(obj)):
        lines = [f"### `{name}{signature(obj)}`", ""]
        summary = first_paragraph(obj)
        return lines + ([summary, ""] if summary else [])
    shown = repr(obj)
    if len(shown) > 160 or " at 0x" in shown:
        return [f"### `{name}`", "", f"A `{type(obj).__name__}`.", ""]
    return [f"### `{name}`", "", f"`{shown}`", ""]


def render() -> str:
    out = [HEADER]
    for module_name in modules():
        module = importlib.import_module(module_name)
        out += [f"## `{module_name}`", "", first_paragraph(module), ""]
        for name in sorted(module.__all__, key=str.lower):
            out += describe(name, getattr(module, name))
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--page", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    wanted = render()
    current = args.page.read_text("utf-8") if args.page.exists() else ""
    if args.check:
        if wanted != current:
            print(f"{args.page} is out of date; run scripts/{Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        args.page.write_text(wanted, encoding="utf-8")
        print(f"updated {args.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
