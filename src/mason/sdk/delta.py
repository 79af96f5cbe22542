"""Delta Lake tables as Mason's models, wherever their folder lives.

The catalog-independent part of reading Delta tables, shared by the local
client (a folder on disk) and mason-aws (an ``s3://`` prefix): opening a table
(a version of it) from its ``_delta_log`` with the ``storage_options`` of the
configuration's client that reaches it
(:attr:`~mason.sdk.engines.RemoteFilesystem.storage_options`), describing it as
a :class:`~mason.sdk.models.Table` with its format metadata, its history, and
the version a read ``as_of`` sees. deltalake (delta-rs) is imported inside the
functions only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mason.sdk.iceberg import parse_as_of
from mason_core.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason_core.models import (
    RESTORED_SNAPSHOT,
    Column,
    PartitionField,
    Schema,
    Snapshot,
    Table,
    TableFormatMetadata,
)

if TYPE_CHECKING:
    from deltalake import DeltaTable

__all__ = [
    "DELTA_LOG",
    "arrow_schema",
    "child",
    "columns_of",
    "commit_options",
    "describe",
    "first_line",
    "open_table",
    "snapshots",
    "version_as_of",
]

#: the folder holding a Delta table's commits, below the table's root.
DELTA_LOG = "_delta_log"


#: object_store/delta-rs options (lower case, with and without the ``aws_``
#: prefix) that would let a commit on S3 skip the conditional put and replace
#: another writer's log entry: an unsafe rename, copy-if-not-exists emulations,
#: another conditional-put mode, an external lock Mason does not manage.
UNSAFE_COMMIT_OPTIONS = (
    "aws_s3_allow_unsafe_rename",
    "aws_copy_if_not_exists",
    "copy_if_not_exists",
    "aws_conditional_put",
    "conditional_put",
    "aws_s3_locking_provider",
)


def commit_options(storage_options: dict[str, str], name: str) -> dict[str, str]:
    """``storage_options`` for committing to the Delta table ``name`` on S3:
    each log entry is created with a conditional put (``If-None-Match: *``,
    ``aws_conditional_put: etag``), so of two writers racing for a version
    exactly one wins and the other commits again as the next one. An option
    (given, or in this process's environment, where delta-rs also looks) that
    would commit otherwise is refused in one line."""
    import os

    given = [k for k in storage_options if k.lower() in UNSAFE_COMMIT_OPTIONS]
    given += [k for k in os.environ if k.lower() in UNSAFE_COMMIT_OPTIONS]
    if given:
        raise MasonUsageError(
            f"Delta table {name}: {given[0]} is set; Mason commits to Delta on S3 only "
            "with conditional puts (If-None-Match), so no writer can replace another's "
            "commit: unset it"
        )
    return {**storage_options, "aws_conditional_put": "etag"}


def child(location: str, name: str) -> str:
    """``name`` below the folder ``location``: a path or a URI (``s3://...``),
    joined as text so a URI's ``//`` is kept."""
    return f"{location.rstrip('/')}/{name}"


def open_table(
    location: str,
    name: str,
    version: int | None = None,
    storage_options: dict[str, str] | None = None,
) -> DeltaTable:
    """The Delta table at ``location`` (a ``version`` of it), reached with
    ``storage_options`` for a remote one; one line when absent."""
    from deltalake import DeltaTable
    from deltalake.exceptions import DeltaError, TableNotFoundError

    try:
        return DeltaTable(location, version=version, storage_options=storage_options)
    except TableNotFoundError:
        raise NotFoundError(f"Delta table {name}: no _delta_log at {location}") from None
    except DeltaError as exc:
        if version is not None:
            raise NotFoundError(
                f"Delta table {name} has no version {version} (see 'table history')"
            ) from None
        raise MasonRuntimeError(f"Delta table {name} cannot be read: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (its type when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def arrow_schema(table: DeltaTable) -> Any:
    """The table's schema as a pyarrow schema."""
    import pyarrow as pa

    return pa.schema(table.schema().to_arrow())


def columns_of(table: DeltaTable) -> list[Column]:
    """The table's columns as Mason's."""
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


def describe(entry: Table, storage_options: dict[str, str] | None = None) -> Table:
    """The registered ``entry`` (a ``delta`` table) filled in from its log now:
    schema, partition columns, files, current version and history count."""
    import pyarrow as pa

    name = f"{entry.database}.{entry.name}"
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {name} has no location")
    from deltalake.exceptions import DeltaError

    table = open_table(entry.location, name, storage_options=storage_options)
    try:  # a remote log is read here too: a store that fails answers in one line
        columns = columns_of(table)
        metadata = table.metadata()
        partition_columns = list(metadata.partition_columns)
        history = snapshots(table)
        actions = pa.table(table.get_add_actions(flatten=False))
        protocol = table.protocol()
    except (OSError, DeltaError) as exc:
        raise MasonRuntimeError(f"Delta table {name} cannot be read: {first_line(exc)}") from None
    current = next((s for s in history if s.current), None)
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
                metadata_location=child(entry.location, DELTA_LOG),
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
