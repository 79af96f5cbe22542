"""Mason's canonical (arrow) type names in Hive's spelling and back, and
``CREATE EXTERNAL TABLE`` DDL for a canonical table.

Shared because Hive's dialect is what Glue, Athena and Spark catalogs read:
a table from any metastore is spelled the same way wherever it is recreated.
"""

from __future__ import annotations

import re

from mason_core.models import Table

_DECIMAL_ARROW = re.compile(r"^decimal(?:128|256)?\((\d+),\s*(-?\d+)\)$")
_DECIMAL_HIVE = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")

_TO_HIVE = {
    "bool": "boolean",
    "int8": "tinyint",
    "int16": "smallint",
    "int32": "int",
    "int64": "bigint",
    "uint8": "smallint",
    "uint16": "int",
    "uint32": "bigint",
    "uint64": "bigint",
    "halffloat": "float",
    "float": "float",
    "double": "double",
    "string": "string",
    "large_string": "string",
    "binary": "binary",
    "large_binary": "binary",
    "date32[day]": "date",
    "date64[ms]": "date",
    "null": "string",
}
_FROM_HIVE = {
    "boolean": "bool",
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "integer": "int32",
    "bigint": "int64",
    "float": "float",
    "double": "double",
    "string": "string",
    "varchar": "string",
    "char": "string",
    "binary": "binary",
    "date": "date32[day]",
    "timestamp": "timestamp[ms]",
}
#: table format -> the ROW FORMAT / STORED AS clause (CSV's depends on its delimiter).
_STORED_AS = {
    "parquet": "STORED AS PARQUET",
    "jsonl": "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nSTORED AS TEXTFILE",
}


def decimal_parts(arrow_type: str) -> tuple[int, int] | None:
    """(precision, scale) of an arrow decimal type name, else ``None``."""
    match = _DECIMAL_ARROW.match(arrow_type)
    return (int(match.group(1)), int(match.group(2))) if match else None


def hive_type(arrow_type: str) -> str:
    """Hive's (lower-case) name for an arrow type; nested and unknown types become string."""
    if arrow_type in _TO_HIVE:
        return _TO_HIVE[arrow_type]
    if arrow_type.startswith("timestamp["):
        return "timestamp"
    decimal = decimal_parts(arrow_type)
    if decimal:
        return f"decimal({decimal[0]},{decimal[1]})"
    return "string"


def arrow_type(hive: str) -> str:
    """The canonical name for a Hive type; complex types are kept as Hive spells them."""
    name = hive.strip().lower()
    base = name.split("(", 1)[0]
    match = _DECIMAL_HIVE.match(name)
    if match:
        return f"decimal128({match.group(1)}, {match.group(2)})"
    return _FROM_HIVE.get(base, name)


def hive_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def hive_literal(value: str) -> str:
    """A Hive DDL string literal: Hive escapes with backslashes (a doubled quote
    would end one literal and start another)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def external_table_ddl(table: Table, if_not_exists: bool = False) -> str:
    """``CREATE EXTERNAL TABLE`` for ``table``: columns, partition keys, the
    format's storage clause, location, and its properties as TBLPROPERTIES
    (a CSV's ``delimiter`` and ``header`` become the clauses Hive reads)."""
    columns = ",\n".join(
        f"  {hive_ident(c.name)} {hive_type(c.type).upper()}" for c in table.table_schema.columns
    )
    qualified = hive_ident(table.name)
    if table.database:
        qualified = f"{hive_ident(table.database)}.{qualified}"
    exists = "IF NOT EXISTS " if if_not_exists else ""
    lines = [f"CREATE EXTERNAL TABLE {exists}{qualified} (", columns, ")"]
    if table.partition_keys:
        keys = ", ".join(
            f"{hive_ident(k.name)} {hive_type(k.type).upper()}" for k in table.partition_keys
        )
        lines.append(f"PARTITIONED BY ({keys})")
    properties = dict(table.properties)
    if table.format == "csv":
        delimiter = properties.pop("delimiter", ",")
        lines.append(f"ROW FORMAT DELIMITED FIELDS TERMINATED BY {hive_literal(delimiter)}")
        lines.append("STORED AS TEXTFILE")
        if properties.pop("header", "true") == "true":
            properties["skip.header.line.count"] = "1"
    elif table.format in _STORED_AS:
        lines.append(_STORED_AS[table.format])
    if table.location:
        lines.append(f"LOCATION {hive_literal(table.location)}")
    if properties:
        pairs = ", ".join(
            f"{hive_literal(k)}={hive_literal(v)}" for k, v in sorted(properties.items())
        )
        lines.append(f"TBLPROPERTIES ({pairs})")
    return "\n".join(lines)
