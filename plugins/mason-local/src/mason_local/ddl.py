"""``CREATE EXTERNAL TABLE`` text for a catalog table, in Hive/Athena's dialect,
so a local table can be recreated on a remote metastore."""

from __future__ import annotations

from mason_core.models import Table
from mason_local.types import hive_type

_STORED_AS = {
    "parquet": "STORED AS PARQUET",
    "jsonl": "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nSTORED AS TEXTFILE",
}


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def external_table_ddl(table: Table) -> str:
    columns = ",\n".join(
        f"  {_ident(c.name)} {hive_type(c.type)}" for c in table.table_schema.columns
    )
    qualified = (
        f"{_ident(table.database)}.{_ident(table.name)}" if table.database else _ident(table.name)
    )
    lines = [f"CREATE EXTERNAL TABLE {qualified} (", columns, ")"]
    if table.partition_keys:
        keys = ", ".join(f"{_ident(k.name)} {hive_type(k.type)}" for k in table.partition_keys)
        lines.append(f"PARTITIONED BY ({keys})")
    properties = dict(table.properties)
    if table.format == "csv":
        delimiter = properties.pop("delimiter", ",")
        lines.append(f"ROW FORMAT DELIMITED FIELDS TERMINATED BY {_literal(delimiter)}")
        lines.append("STORED AS TEXTFILE")
        if properties.pop("header", "false") == "true":
            properties["skip.header.line.count"] = "1"
    elif table.format in _STORED_AS:
        lines.append(_STORED_AS[table.format])
    if table.location:
        lines.append(f"LOCATION {_literal(table.location)}")
    if properties:
        pairs = ", ".join(f"{_literal(k)}={_literal(v)}" for k, v in sorted(properties.items()))
        lines.append(f"TBLPROPERTIES ({pairs})")
    return "\n".join(lines)
