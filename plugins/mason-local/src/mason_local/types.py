"""The catalog's arrow type names in DuckDB's spelling (Hive's spelling, for
DDL, is :mod:`mason.sdk.tabular`'s, shared with every metastore)."""

from __future__ import annotations

from mason.sdk.tabular import decimal_parts

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


def duckdb_type(arrow_type: str) -> str | None:
    """DuckDB's name for a flat arrow type; ``None`` for nested or unknown ones."""
    if arrow_type in _DUCKDB:
        return _DUCKDB[arrow_type]
    if arrow_type.startswith("timestamp["):
        return "TIMESTAMPTZ" if "tz=" in arrow_type else "TIMESTAMP"
    decimal = decimal_parts(arrow_type)
    if decimal:
        return f"DECIMAL({decimal[0]},{decimal[1]})"
    return None
