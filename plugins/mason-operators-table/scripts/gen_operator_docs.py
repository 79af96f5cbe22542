"""Write the generated parts of ``docs/operators.md`` from the ``operator.yaml`` files.

The page is prose written by hand around marked blocks; this script rewrites
only what sits between ``<!-- BEGIN GENERATED: NAME -->`` and
``<!-- END GENERATED: NAME -->``: ``index`` (every operator) and one block per
operator (its parameters, and the verbs it requires or the clients it supports).
An operator without a block gets a new section appended. It reads the YAML directly, needing neither
mason nor the plugins installed.

    python plugins/mason-operators-table/scripts/gen_operator_docs.py          # rewrite
    python plugins/mason-operators-table/scripts/gen_operator_docs.py --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

PLUGIN = Path(__file__).resolve().parents[1]
OPERATORS = PLUGIN / "src" / "mason_operators_table" / "operators"
DOCS = PLUGIN.parents[1] / "docs" / "operators.md"
INDEX = "index"
BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[^>]+?) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def load_operators(root: Path) -> list[dict[str, Any]]:
    """Every ``operator.yaml`` under ``root``, sorted by namespace and command."""
    found = []
    for path in sorted(root.rglob("operator.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise SystemExit(f"{path}: expected a mapping")
        found.append(data)
    return sorted(found, key=lambda d: (str(d["namespace"]), str(d["command"])))


def operator_name(op: dict[str, Any]) -> str:
    return f"{op['namespace']} {op['command']}"


def parameter_rows(op: dict[str, Any]) -> list[dict[str, Any]]:
    params = op.get("parameters") or {}
    rows = []
    for required, key in ((True, "required"), (False, "optional")):
        for item in params.get(key) or []:
            fields = {"name": item} if isinstance(item, str) else dict(item)
            rows.append({**fields, "required": required})
    return rows


def _cell(value: Any) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|")


def _default(row: dict[str, Any]) -> str:
    if "default" not in row or row["default"] is None:
        return ""
    value = row["default"]
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f"`{shown}`"


def _bounds(row: dict[str, Any]) -> str:
    """The declared range of a numeric parameter, as a sentence."""
    low, high = row.get("minimum"), row.get("maximum")
    if low is not None and high is not None:
        return f"From `{low}` to `{high}`."
    if low is not None:
        return f"At least `{low}`."
    if high is not None:
        return f"At most `{high}`."
    return ""


def render_operator(op: dict[str, Any]) -> str:
    lines = []
    rows = parameter_rows(op)
    if rows:
        lines += [
            "| parameter | type | required | default | description |",
            "|---|---|---|---|---|",
        ]
        for row in rows:
            description = _cell(row.get("description", ""))
            if row.get("choices"):
                choices = ", ".join(f"`{c}`" for c in row["choices"])
                description = f"{description} One of {choices}.".strip()
            bounds = _bounds(row)
            if bounds:
                description = f"{description} {bounds}".strip()
            lines.append(
                f"| `{row['name']}` | {row.get('type', 'string')} | "
                f"{'yes' if row['required'] else 'no'} | {_default(row)} | {description} |"
            )
    else:
        lines.append("No parameters.")
    requires = op.get("requires") or {}
    if requires:
        needs = "; ".join(
            f"{engine}: "
            + ", ".join(f"`{v}`" for v in ([verbs] if isinstance(verbs, str) else verbs))
            for engine, verbs in requires.items()
        )
        lines += ["", f"Requires: {needs} (any client serving these verbs runs it)"]
    supported = op.get("supported_configurations") or []
    if supported:
        entries = "; ".join(
            "`" + ", ".join(f"{engine}: {client}" for engine, client in entry.items()) + "`"
            for entry in supported
        )
        lines += ["", f"Supported configurations: {entries}"]
    return "\n".join(lines) + "\n"


def render_index(ops: list[dict[str, Any]]) -> str:
    lines = ["| operator | description |", "|---|---|"]
    for op in ops:
        lines.append(
            f"| [`{operator_name(op)}`](#{anchor(op)}) | {_cell(op.get('description', ''))} |"
        )
    return "\n".join(lines) + "\n"


def anchor(op: dict[str, Any]) -> str:
    return f"{op['namespace']}-{op['command']}".lower()


def render_page(text: str, ops: list[dict[str, Any]]) -> str:
    """``text`` with every generated block rewritten and missing sections appended."""
    blocks = {INDEX: render_index(ops)} | {operator_name(op): render_operator(op) for op in ops}
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name").strip()
        if name not in blocks:
            raise SystemExit(f"{DOCS.name}: generated block '{name}' names no operator; delete it")
        seen.add(name)
        return f"{match.group(1)}{blocks[name]}{match.group(4)}"

    out = BLOCK.sub(replace, text)
    for op in ops:
        name = operator_name(op)
        if name not in seen:
            out = out.rstrip("\n") + "\n\n" + section(op, blocks[name])
    if INDEX not in seen:
        out = out.rstrip("\n") + "\n\n" + generated(INDEX, blocks[INDEX])
    return out


def generated(name: str, body: str) -> str:
    return f"<!-- BEGIN GENERATED: {name} -->\n{body}<!-- END GENERATED: {name} -->\n"


def section(op: dict[str, Any], body: str) -> str:
    return f"## {operator_name(op)}\n\n{_cell(op.get('description', ''))}.\n\n" + generated(
        operator_name(op), body
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the page to update")
    parser.add_argument("--operators", type=Path, default=OPERATORS, help="operator folders")
    args = parser.parse_args(argv)
    current = args.docs.read_text("utf-8") if args.docs.exists() else "# Operators\n"
    wanted = render_page(current, load_operators(args.operators))
    if args.check:
        if wanted != current:
            print(f"{args.docs} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        args.docs.write_text(wanted, encoding="utf-8")
        print(f"updated {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
