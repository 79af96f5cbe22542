"""Hive-style ``key=value`` partition folders: their keys, values and types."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

#: Hive's name for a null partition value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def partition_values(relative_folder: Path) -> list[tuple[str, str]] | None:
    """``[(key, value), ...]`` when every folder level is ``key=value``, else ``None``."""
    pairs = []
    for part in relative_folder.parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            return None
        pairs.append((unquote(key), unquote(value)))
    return pairs


def dominant_layout(layouts: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The partition key sequence most files share (ties: the first seen)."""
    counts = Counter(layouts)
    best = max(counts.values())
    return next(layout for layout in layouts if counts[layout] == best)


def partition_type(values: list[str]) -> str:
    """The narrowest arrow type all values parse as: int64, double, date32 or string."""
    present = [v for v in values if v != HIVE_NULL and v != ""]
    if not present:
        return "string"
    if all(_INT.match(v) for v in present):
        return "int64"
    if all(_FLOAT.match(v) for v in present):
        return "double"
    if all(_DATE.match(v) for v in present):
        return "date32[day]"
    return "string"
