"""Opening and describing local Delta tables, their history, time travel and
reading them in a DuckDB job."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.delta import DELTA_LOG, columns_of, data_path, first_line, open_table, version_as_of
from mason.sdk.errors import MasonRuntimeError, MasonUsageError
from mason.sdk.models import ScanPlan, ScanTask, Table

if TYPE_CHECKING:
    import duckdb
    from deltalake import DeltaTable


def is_delta_folder(path: Path) -> bool:
    """Whether ``path`` is the root of a Delta table (it holds a ``_delta_log``)."""
    return (path / DELTA_LOG).is_dir()


def at(
    entry: Table, as_of: str | None, storage_options: dict[str, str] | None = None
) -> tuple[DeltaTable, int]:
    """The table ``entry`` opened at the version ``as_of`` names, and that version
    (a remote one reached with ``storage_options``)."""
    name = f"{entry.database}.{entry.name}"
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {name} has no location")
    table = open_table(entry.location, name, storage_options=storage_options)
    version = version_as_of(table, as_of, name)
    if version is not None and version != table.version():
        table = open_table(entry.location, name, version, storage_options)
    return table, table.version()


def plan(entry: Table, as_of: str | None) -> ScanPlan:
    """The data files the version (current, or ``as_of``) is made of."""
    import pyarrow as pa

    table, version = at(entry, as_of)
    actions = pa.table(table.get_add_actions(flatten=False)).to_pylist()
    root = str(entry.location)
    return ScanPlan(
        snapshot_id=version,
        columns=columns_of(table),
        tasks=[
            ScanTask(
                path=data_path(root, str(a["path"])),
                size_bytes=int(a["size_bytes"]),
                record_count=a.get("num_records"),
            )
            for a in actions
        ],
    )


def delta_source(
    con: duckdb.DuckDBPyConnection,
    entry: Table,
    schema: str,
    as_of: str | None,
    storage_options: dict[str, str] | None = None,
) -> str:
    """Register ``entry`` (as of ``as_of``) on ``con``; the name to select from.
    A remote table is reached with ``storage_options`` (its client's settings).

    delta-rs resolves the version's files (removed files left out, partition
    values restored as columns) into an arrow dataset DuckDB scans lazily, so
    filters and projections reach the parquet reader."""
    from mason_local.jobs.sql import ident

    table, _ = at(entry, as_of, storage_options)
    try:
        dataset = table.to_pyarrow_dataset()
    except Exception as exc:  # deletion vectors and other reader features delta-rs's dataset lacks
        raise MasonUsageError(
            f"Delta table {entry.database}.{entry.name} cannot be read here: {first_line(exc)}"
        ) from None
    view = f"mason_delta_{schema}_{entry.name}"
    con.register(view, dataset)
    return ident(view)
