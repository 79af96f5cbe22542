"""Hive-style ``key=value`` partition folders: their keys, values and types.

Shared because a partitioned dataset is laid out the same on a disk and under
an S3 prefix; clients pass folder segments, never paths or keys.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import unquote

#: Hive's name for a null partition value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT64 = range(-(2**63), 2**63)


def partition_values(segments: Iterable[str]) -> list[tuple[str, str]] | None:
    """``[(key, value), ...]`` when every folder segment is ``key=value`` (URL
    quoting undone), else ``None``. No segments: ``[]``, an unpartitioned file."""
    pairs = []
    for segment in segments:
        key, sep, value = segment.partition("=")
        if not sep or not key:
            return None
        pairs.append((unquote(key), unquote(value)))
    return pairs


def dominant_layout(layouts: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The partition key sequence most files share (ties: the first seen)."""
    counts = Counter(layouts)
    best = max(counts.values())
    return next(layout for layout in layouts if counts[layout] == best)


def partition_type(values: Iterable[str]) -> str:
    """The narrowest arrow type all values parse as: int64, double, date32 or
    string. Hive's null and empty values say nothing about the type."""
    present = [v for v in values if v != HIVE_NULL and v != ""]
    if not present:
        return "string"
    if all(_INT.match(v) and int(v) in _INT64 for v in present):
        return "int64"
    if all(_FLOAT.match(v) for v in present):
        return "double"
    if all(_DATE.match(v) for v in present):
        return "date32[day]"
    return "string"
