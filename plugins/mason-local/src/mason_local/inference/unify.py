"""Reconciling the schemas of many files into one table schema.

Safe widenings are applied silently (int32 + int64 -> int64, int + double ->
double, a column of nulls takes the others' type); anything else is a
conflict: reported with the files on each side, and typed as string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mason_core.models import SchemaConflict
from mason_local.inference.formats import FileSchema

_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")
_FLOATS = ("halffloat", "float", "double")
_TIME_UNITS = ("s", "ms", "us", "ns")
#: how many files a conflict lists per type before summarizing the rest.
CONFLICT_FILE_LIMIT = 20


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


def unify_schemas(files: Sequence[FileSchema]) -> UnifiedSchema:
    """One column list for all ``files``, in first-seen order."""
    seen: dict[str, dict[str, list[str]]] = {}
    for schema in files:
        for name, kind in schema.columns:
            seen.setdefault(name, {}).setdefault(kind, []).append(str(schema.path))
    result = UnifiedSchema(columns=[])
    for name, by_type in seen.items():
        present = sum(len(paths) for paths in by_type.values())
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
        result.columns.append((name, "string" if unified == "null" else unified))
    return result


def _limited(by_type: dict[str, list[str]]) -> dict[str, list[str]]:
    out = {}
    for kind, paths in sorted(by_type.items()):
        shown = paths[:CONFLICT_FILE_LIMIT]
        if len(paths) > CONFLICT_FILE_LIMIT:
            shown.append(f"... and {len(paths) - CONFLICT_FILE_LIMIT} more")
        out[kind] = shown
    return out
