"""``CREATE EXTERNAL TABLE`` for a canonical table, as Athena runs it: the
shared Hive DDL of :mod:`mason.sdk.tabular`, created only if missing,
for tables Athena can read (a location and a format it knows)."""

from __future__ import annotations

from mason.sdk.errors import MasonUsageError
from mason.sdk.models import Table
from mason.sdk.tabular import external_table_ddl

#: the formats Athena's DDL has a storage clause for.
DDL_FORMATS = ("parquet", "csv", "jsonl")


def create_table_ddl(table: Table) -> str:
    if not table.location or not table.format:
        raise MasonUsageError(f"table '{table.name}' needs a location and a format for DDL")
    if table.format not in DDL_FORMATS:
        raise MasonUsageError(f"no Athena DDL for format '{table.format}'")
    return external_table_ddl(table, if_not_exists=True)
