"""Spark's data types in the catalog's spelling (arrow's type names).

Columns in job records use the same names whichever engine ran the job, so a
merge on Spark and on DuckDB describe their outputs identically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql.types import DataType

_SIMPLE = {
    "boolean": "bool",
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "bigint": "int64",
    "float": "float",
    "double": "double",
    "string": "string",
    "binary": "binary",
    "date": "date32[day]",
    "timestamp": "timestamp[us, tz=UTC]",
    "timestamp_ntz": "timestamp[us]",
    "void": "null",
}

#: Spark type names (``simpleString``) of numbers, for statistics and widening.
INTEGRAL = ("tinyint", "smallint", "int", "bigint")
FRACTIONAL = ("float", "double")


def arrow_type_name(data_type: DataType) -> str:
    """The catalog's name for a Spark type; nested types keep Spark's spelling."""
    name = data_type.simpleString()
    if name in _SIMPLE:
        return _SIMPLE[name]
    if name.startswith("decimal("):
        return name.replace("decimal(", "decimal128(")
    if name.startswith(("varchar", "char")):
        return "string"
    return name


def is_numeric(type_name: str) -> bool:
    """Whether a Spark ``simpleString`` names a number."""
    return type_name in INTEGRAL or type_name in FRACTIONAL or type_name.startswith("decimal")


def wider_type(names: list[str]) -> str:
    """One Spark type name that holds every value of ``names``: the type itself
    when they agree, bigint or double across numbers, else string.

    Explicit because ANSI mode (Spark 4's default) refuses to widen a union of
    a number and a string on its own.
    """
    distinct = list(dict.fromkeys(n for n in names if n != "void"))
    if not distinct:
        return "string"
    if len(distinct) == 1:
        return distinct[0]
    if all(n in INTEGRAL for n in distinct):
        return "bigint"
    if all(is_numeric(n) for n in distinct):
        return "double"
    return "string"
