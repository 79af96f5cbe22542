"""Checking column-naming parameters against a catalog table before a job
runs, so a misspelt column is bad input (exit 2), not a failed job."""

from __future__ import annotations

from mason import ParameterError, models
from mason_operators_table.catalog import qualified_name


def table_columns(table: models.Table) -> list[str]:
    """Every column a reader of ``table`` sees: its schema, then partition keys."""
    names = table.table_schema.column_names()
    return names + [k.name for k in table.partition_keys if k.name not in names]


def require_columns(table: models.Table, names: list[str], parameter: str) -> None:
    known = table_columns(table)
    missing = [n for n in names if n not in known]
    if missing:
        raise ParameterError(
            [
                f"parameter '{parameter}': {', '.join(missing)} not in table "
                f"{qualified_name(table)} (columns: {', '.join(known)})"
            ]
        )
