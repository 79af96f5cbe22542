"""Reconciling the schemas of many files into one table schema.

Shared so a table inferred from a local folder and from an S3 prefix gets the
same columns. Types are arrow's names (``int64``, ``timestamp[us]``); safe
widenings are applied (int32 + int64 -> int64, a column of nulls takes the
others' type, timestamps take the finest unit), integers meeting floats become
double with a warning (large integers lose precision), and anything else is a
:class:`SchemaConflict`: reported with the files on each side, typed as string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mason_core.models import SchemaConflict

_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")
_FLOATS = ("halffloat", "float", "double")
_TIME_UNITS = ("s", "ms", "us", "ns")
_DECIMAL = re.compile(r"^decimal(128|256)\((\d+), (-?\d+)\)$")
#: how many files a conflict lists per type before summarizing the rest.
CONFLICT_FILE_LIMIT = 20


@dataclass
class FileSchema:
    """What one file says about itself."""

    #: the file as reported to users: a path or a URI.
    location: str
    format: str
    #: (name, arrow type name) in file order.
    columns: list[tuple[str, str]]
    size_bytes: int = 0
    row_count: int | None = None
    #: reader options the format needs again (``header``, ``delimiter``).
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class UnifiedSchema:
    columns: list[tuple[str, str]]
    conflicts: list[SchemaConflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def unify_types(types: set[str]) -> str | None:
    """The one type that holds every value of ``types``, or ``None`` if unsafe."""
    kinds = {t for t in types if t != "null"}
    if not kinds:
        return "null"
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"string", "large_string"}:
        return "string"
    if kinds <= set(_INTS):
        return "int64"
    if kinds <= set(_INTS + _FLOATS):
        return "double"
    if all(k.startswith("timestamp[") for k in kinds):
        return _finest_timestamp(kinds)
    if all(_DECIMAL.match(k) for k in kinds):
        return _widest_decimal(kinds)
    return None


def _finest_timestamp(kinds: set[str]) -> str | None:
    units, zones = set(), set()
    for kind in kinds:
        unit, _, zone = kind[len("timestamp[") : -1].partition(", tz=")
        units.add(unit)
        zones.add(zone)
    if len(zones) > 1 or not units <= set(_TIME_UNITS):
        return None
    finest = max(units, key=_TIME_UNITS.index)
    zone = zones.pop()
    return f"timestamp[{finest}, tz={zone}]" if zone else f"timestamp[{finest}]"


def _widest_decimal(kinds: set[str]) -> str | None:
    """The decimal holding every digit of each: the most integer digits plus
    the largest scale (arrow's own promotion), if it fits 76 digits."""
    parsed = [m.groups() for m in map(_DECIMAL.match, kinds) if m]
    scale = max(int(s) for _, _, s in parsed)
    integer = max(int(p) - int(s) for _, p, s in parsed)
    precision = integer + scale
    if precision > 76:
        return None
    width = "128" if precision <= 38 and all(w == "128" for w, _, _ in parsed) else "256"
    return f"decimal{width}({precision}, {scale})"


def unify_schemas(files: Sequence[FileSchema]) -> UnifiedSchema:
    """One column list for all ``files``, in first-seen order."""
    seen: dict[str, dict[str, list[str]]] = {}
    for schema in files:
        for name, kind in schema.columns:
            seen.setdefault(name, {}).setdefault(kind, []).append(schema.location)
    result = UnifiedSchema(columns=[])
    for name, by_type in seen.items():
        present = sum(len(locations) for locations in by_type.values())
        if present < len(files):
            result.warnings.append(
                f"column '{name}' is missing from {len(files) - present} of {len(files)} files"
            )
        unified = unify_types(set(by_type))
        if unified is None:
            result.conflicts.append(SchemaConflict(column=name, types=_limited(by_type)))
            result.warnings.append(
                f"column '{name}' has conflicting types across files "
                f"({', '.join(sorted(by_type))}); typed as string"
            )
            unified = "string"
        elif unified == "double" and any(k in _INTS for k in by_type):
            result.warnings.append(
                f"column '{name}' widened to double ({', '.join(sorted(by_type))})"
            )
        result.columns.append((name, "string" if unified == "null" else unified))
    return result


def _limited(by_type: dict[str, list[str]]) -> dict[str, list[str]]:
    out = {}
    for kind, locations in sorted(by_type.items()):
        shown = locations[:CONFLICT_FILE_LIMIT]
        if len(locations) > CONFLICT_FILE_LIMIT:
            shown.append(f"... and {len(locations) - CONFLICT_FILE_LIMIT} more")
        out[kind] = shown
    return out
