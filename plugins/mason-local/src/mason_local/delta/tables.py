"""Opening and describing local Delta tables, their history, time travel and
reading them in a DuckDB job."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.iceberg import parse_as_of
from mason.sdk.models import (
    RESTORED_SNAPSHOT,
    Column,
    PartitionField,
    ScanPlan,
    ScanTask,
    Schema,
    Snapshot,
    Table,
    TableFormatMetadata,
)

if TYPE_CHECKING:
    import duckdb
    from deltalake import DeltaTable

DELTA_LOG = "_delta_log"


def is_delta_folder(path: Path) -> bool:
    """Whether ``path`` is the root of a Delta table (it holds a ``_delta_log``)."""
    return (path / DELTA_LOG).is_dir()


def open_table(location: str, name: str, version: int | None = None) -> DeltaTable:
    """The Delta table at ``location`` (a ``version`` of it); one line when absent."""
    from deltalake import DeltaTable
    from deltalake.exceptions import DeltaError, TableNotFoundError

    try:
        return DeltaTable(location, version=version)
    except TableNotFoundError:
        raise NotFoundError(f"Delta table {name}: no _delta_log at {location}") from None
    except DeltaError as exc:
        if version is not None:
            raise NotFoundError(
                f"Delta table {name} has no version {version} (see 'table history')"
            ) from None
        raise MasonRuntimeError(f"Delta table {name} cannot be read: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def arrow_schema(table: DeltaTable) -> Any:
    """The table's schema as a pyarrow schema."""
    import pyarrow as pa

    return pa.schema(table.schema().to_arrow())


def columns_of(table: DeltaTable) -> list[Column]:
    return [Column(name=f.name, type=str(f.type), nullable=f.nullable) for f in arrow_schema(table)]


def _when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def snapshots(table: DeltaTable) -> list[Snapshot]:
    """Every version the log records, oldest first, the current one marked."""
    current = table.version()
    out = []
    for entry in sorted(table.history(), key=lambda e: int(e["version"])):
        version = int(entry["version"])
        summary = {str(k): str(v) for k, v in (entry.get("operationMetrics") or {}).items()}
        parameters = entry.get("operationParameters") or {}
        if entry.get("operation") == "RESTORE" and "version" in parameters:
            summary[RESTORED_SNAPSHOT] = str(parameters["version"])
        out.append(
            Snapshot(
                snapshot_id=version,
                parent_id=version - 1 if version > 0 else None,
                committed_at=_when(int(entry.get("timestamp", 0))),
                operation=str(entry.get("operation", "")).lower() or None,
                summary=summary,
                current=version == current,
            )
        )
    return out


def describe(entry: Table) -> Table:
    """The registered ``entry`` (a ``delta`` table) filled in from its log now:
    schema, partition columns, files, current version and history count."""
    import pyarrow as pa

    name = f"{entry.database}.{entry.name}"
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {name} has no location")
    table = open_table(entry.location, name)
    columns = columns_of(table)
    metadata = table.metadata()
    partition_columns = list(metadata.partition_columns)
    history = snapshots(table)
    current = next((s for s in history if s.current), None)
    actions = pa.table(table.get_add_actions(flatten=False))
    protocol = table.protocol()
    return entry.model_copy(
        update={
            "format": "delta",
            "table_schema": Schema(columns=columns, schema_type="delta"),
            "partition_keys": [c for c in columns if c.name in partition_columns],
            "partitions": None,
            "file_count": actions.num_rows,
            "size_bytes": sum(actions.column("size_bytes").to_pylist()),
            "updated_at": current.committed_at if current else entry.updated_at,
            "format_metadata": TableFormatMetadata(
                format_version=protocol.min_reader_version,
                current_snapshot=current,
                snapshot_count=len(history),
                partition_spec=[PartitionField(source_column=c) for c in partition_columns],
                metadata_location=str(Path(entry.location) / DELTA_LOG),
                properties={k: str(v) for k, v in metadata.configuration.items()},
            ),
        }
    )


def version_as_of(table: DeltaTable, as_of: str | None, name: str) -> int | None:
    """The version a read sees: ``None`` for the current one, else ``as_of`` a
    version number or an ISO timestamp (the version current then)."""
    if as_of is None or not as_of.strip():
        return None
    text = as_of.strip()
    when = parse_as_of(as_of, "a version number")
    if isinstance(when, int):
        if not 0 <= when <= table.version():
            raise NotFoundError(f"Delta table {name} has no version {when} (see 'table history')")
        return when
    cutoff = int(when.timestamp() * 1000)
    older = [s for s in snapshots(table) if s.committed_at.timestamp() * 1000 <= cutoff]
    if not older:
        raise NotFoundError(f"Delta table {name} has no version as of {text}: it is younger")
    return older[-1].snapshot_id


def at(entry: Table, as_of: str | None) -> tuple[DeltaTable, int]:
    """The table ``entry`` opened at the version ``as_of`` names, and that version."""
    name = f"{entry.database}.{entry.name}"
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {name} has no location")
    table = open_table(entry.location, name)
    version = version_as_of(table, as_of, name)
    if version is not None and version != table.version():
        table = open_table(entry.location, name, version)
    return table, table.version()


def plan(entry: Table, as_of: str | None) -> ScanPlan:
    """The data files the version (current, or ``as_of``) is made of."""
    import pyarrow as pa

    table, version = at(entry, as_of)
    actions = pa.table(table.get_add_actions(flatten=False)).to_pylist()
    root = Path(str(entry.location))
    return ScanPlan(
        snapshot_id=version,
        columns=columns_of(table),
        tasks=[
            ScanTask(
                path=_data_path(root, str(a["path"])),
                size_bytes=int(a["size_bytes"]),
                record_count=a.get("num_records"),
            )
            for a in actions
        ],
    )


def _data_path(root: Path, path: str) -> str:
    from urllib.parse import unquote, urlparse

    if "://" in path:
        return unquote(urlparse(path).path)
    return str(root / unquote(path))


def delta_source(
    con: duckdb.DuckDBPyConnection, entry: Table, schema: str, as_of: str | None
) -> str:
    """Register ``entry`` (as of ``as_of``) on ``con``; the name to select from.

    delta-rs resolves the version's files (removed files left out, partition
    values restored as columns) into an arrow dataset DuckDB scans lazily, so
    filters and projections reach the parquet reader."""
    from mason_local.jobs.sql import ident

    table, _ = at(entry, as_of)
    try:
        dataset = table.to_pyarrow_dataset()
    except Exception as exc:  # deletion vectors and other reader features delta-rs's dataset lacks
        raise MasonUsageError(
            f"Delta table {entry.database}.{entry.name} cannot be read here: {first_line(exc)}"
        ) from None
    view = f"mason_delta_{schema}_{entry.name}"
    con.register(view, dataset)
    return ident(view)
