"""Translating the catalog's arrow type names into other engines' spellings."""

from __future__ import annotations

import re

_DECIMAL = re.compile(r"^decimal(?:128|256)?\((\d+),\s*(-?\d+)\)$")

_DUCKDB = {
    "bool": "BOOLEAN",
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "uint8": "UTINYINT",
    "uint16": "USMALLINT",
    "uint32": "UINTEGER",
    "uint64": "UBIGINT",
    "halffloat": "FLOAT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "large_string": "VARCHAR",
    "binary": "BLOB",
    "large_binary": "BLOB",
    "date32[day]": "DATE",
    "date64[ms]": "DATE",
    "time64[us]": "TIME",
    "null": "VARCHAR",
}

_HIVE = {
    "bool": "BOOLEAN",
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INT",
    "int64": "BIGINT",
    "uint8": "SMALLINT",
    "uint16": "INT",
    "uint32": "BIGINT",
    "halffloat": "FLOAT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "STRING",
    "large_string": "STRING",
    "binary": "BINARY",
    "large_binary": "BINARY",
    "date32[day]": "DATE",
    "date64[ms]": "DATE",
}


def duckdb_type(arrow_type: str) -> str | None:
    """DuckDB's name for a flat arrow type; ``None`` for nested or unknown ones."""
    if arrow_type in _DUCKDB:
        return _DUCKDB[arrow_type]
    if arrow_type.startswith("timestamp["):
        return "TIMESTAMPTZ" if "tz=" in arrow_type else "TIMESTAMP"
    match = _DECIMAL.match(arrow_type)
    if match:
        return f"DECIMAL({match.group(1)},{match.group(2)})"
    return None


def hive_type(arrow_type: str) -> str:
    """Hive/Athena DDL's name for an arrow type; nested or unknown types as STRING."""
    if arrow_type in _HIVE:
        return _HIVE[arrow_type]
    if arrow_type.startswith("timestamp["):
        return "TIMESTAMP"
    match = _DECIMAL.match(arrow_type)
    if match:
        return f"DECIMAL({match.group(1)},{match.group(2)})"
    return "STRING"
