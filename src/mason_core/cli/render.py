"""Readable terminal rendering of a response's ``Data``.

Generic on purpose: several records become one table of their scalar fields;
a single record becomes a field/value table plus one table per nested list
of records (a table's columns, a job's preview rows, a summary's columns).
"""

from __future__ import annotations

import json
from typing import Any

from mason_core.secrets import scrub


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if _is_scalar(value):
        return str(value)
    return json.dumps(value, default=str)


def _record_lists(item: dict[str, Any], prefix: str = "") -> list[tuple[str, list[dict[str, Any]]]]:
    found: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in item.items():
        label = f"{prefix}{key}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            found.append((label, value))
        elif isinstance(value, dict) and not _flat(value):
            found.extend(_record_lists(value, f"{label}."))
    return found


def _flat(value: dict[str, Any]) -> bool:
    return all(_is_scalar(v) for v in value.values())


def _table(title: str, columns: list[str], rows: list[list[str]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(scrub(cell) for cell in r))
    return table


def render_data(data: list[Any], title: str) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    records = [d for d in data if isinstance(d, dict)]
    others = [d for d in data if not isinstance(d, dict)]
    if len(records) > 1:
        columns: list[str] = []
        for rec in records:
            for key, value in rec.items():
                if (_is_scalar(value) or _compact(value)) and key not in columns:
                    columns.append(key)
        rows = [[_fmt(rec.get(c)) for c in columns] for rec in records]
        console.print(_table(title, columns, rows))
    elif records:
        rec = records[0]
        scalars = [(k, v) for k, v in rec.items() if _is_scalar(v) or _compact(v)]
        if scalars:
            console.print(_table(title, ["Field", "Value"], [[k, _fmt(v)] for k, v in scalars]))
        for label, items in _record_lists(rec):
            cols: list[str] = []
            for it in items:
                cols.extend(k for k in it if k not in cols)
            console.print(_table(label, cols, [[_fmt(it.get(c)) for c in cols] for it in items]))
    for other in others:
        console.print(scrub(_fmt(other)))


def _compact(value: Any) -> bool:
    """Small nested values shown inline (a partition's values, a list of names)."""
    if isinstance(value, dict):
        return _flat(value) and len(value) <= 6
    if isinstance(value, list):
        return all(_is_scalar(v) for v in value)
    return False
