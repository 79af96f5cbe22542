"""``CREATE EXTERNAL TABLE`` for a canonical table, as Athena (Hive DDL) reads it."""

from __future__ import annotations

from mason_aws.types import hive_type
from mason_core.errors import MasonUsageError
from mason_core.models import Table

#: table format -> the ROW FORMAT / STORED AS clause.
_STORAGE = {
    "parquet": "STORED AS PARQUET",
    "jsonl": "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nSTORED AS TEXTFILE",
}


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_table_ddl(table: Table) -> str:
    if not table.location or not table.format:
        raise MasonUsageError(f"table '{table.name}' needs a location and a format for DDL")
    database = f"{quote_ident(table.database)}." if table.database else ""
    columns = ",\n".join(
        f"  {quote_ident(c.name)} {hive_type(c.type)}" for c in table.table_schema.columns
    )
    lines = [
        f"CREATE EXTERNAL TABLE IF NOT EXISTS {database}{quote_ident(table.name)} (",
        columns,
        ")",
    ]
    if table.partition_keys:
        keys = ", ".join(f"{quote_ident(k.name)} {hive_type(k.type)}" for k in table.partition_keys)
        lines.append(f"PARTITIONED BY ({keys})")
    if table.format == "csv":
        delimiter = table.properties.get("delimiter", ",")
        lines.append(f"ROW FORMAT DELIMITED FIELDS TERMINATED BY {_literal(delimiter)}")
        lines.append("STORED AS TEXTFILE")
    elif table.format in _STORAGE:
        lines.append(_STORAGE[table.format])
    else:
        raise MasonUsageError(f"no Athena DDL for format '{table.format}'")
    lines.append(f"LOCATION {_literal(table.location)}")
    if table.format == "csv" and table.properties.get("header", "true") == "true":
        lines.append("TBLPROPERTIES ('skip.header.line.count'='1')")
    return "\n".join(lines)
