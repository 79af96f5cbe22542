"""Iceberg tables as Mason's models, whatever catalog holds them.

The catalog-independent part of serving Iceberg tables, shared by the local
client (pyiceberg's SQL catalog) and mason-aws (pyiceberg's Glue catalog):
column types between Mason's canonical names and Iceberg's, a pyiceberg table
described as a :class:`~mason.sdk.models.Table` with its format metadata, the
snapshot a read ``as_of`` sees, and reading a table's rows from its metadata
file through a given pyarrow filesystem (so a remote table is read with the
settings of the configuration's client that reaches it). pyiceberg is imported
inside the functions only.
"""

from __future__ import annotations

import logging
import random
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mason_core.asof import parse_as_of
from mason_core.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason_core.models import (
    Column,
    CommitResult,
    PartitionField,
    ScanPlan,
    ScanTask,
    Schema,
    SchemaChange,
    Snapshot,
    Table,
    TableFormatMetadata,
    TableWrite,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.table import Table as IcebergTable

__all__ = [
    "COMMIT_MARK",
    "MAX_COMMIT_ATTEMPTS",
    "Committed",
    "IcebergCatalog",
    "add_files",
    "canonical_type",
    "commit_mark",
    "commit_result",
    "conform",
    "conform_to",
    "describe",
    "evolve",
    "file_io",
    "first_line",
    "history",
    "iceberg_type",
    "label",
    "local_path",
    "metadata_gone",
    "new_table_layout",
    "new_table_properties",
    "parse_as_of",
    "parse_filter",
    "plan",
    "read_rows",
    "read_tasks",
    "rollback",
    "snapshot_as_of",
    "snapshot_model",
    "static_table",
    "write",
]

T = TypeVar("T")

_DECIMAL = re.compile(r"^decimal(?:128|256)?\(\s*(\d+)\s*,\s*(\d+)\s*\)$")

#: canonical name -> pyiceberg type class name
_TO_ICEBERG = {
    "bool": "BooleanType",
    "boolean": "BooleanType",
    "int8": "IntegerType",
    "int16": "IntegerType",
    "int32": "IntegerType",
    "int": "IntegerType",
    "integer": "IntegerType",
    "int64": "LongType",
    "long": "LongType",
    "bigint": "LongType",
    "float": "FloatType",
    "halffloat": "FloatType",
    "double": "DoubleType",
    "string": "StringType",
    "large_string": "StringType",
    "binary": "BinaryType",
    "large_binary": "BinaryType",
    "date32[day]": "DateType",
    "date": "DateType",
    "time64[us]": "TimeType",
    "timestamp[us]": "TimestampType",
    "timestamp[ms]": "TimestampType",
    "timestamp[s]": "TimestampType",
    "timestamp[ns]": "TimestampType",
    "timestamp": "TimestampType",
}

_FROM_ICEBERG = {
    "BooleanType": "bool",
    "IntegerType": "int32",
    "LongType": "int64",
    "FloatType": "float",
    "DoubleType": "double",
    "StringType": "string",
    "BinaryType": "binary",
    "DateType": "date32[day]",
    "TimeType": "time64[us]",
    "TimestampType": "timestamp[us]",
    "TimestamptzType": "timestamp[us, tz=UTC]",
    "UUIDType": "string",
}


def iceberg_type(name: str) -> Any:
    """The pyiceberg primitive type for a canonical type name; a type Iceberg
    has no primitive for is a usage error."""
    from pyiceberg import types

    text = name.strip().lower()
    match = _DECIMAL.match(text)
    if match:
        return types.DecimalType(int(match.group(1)), int(match.group(2)))
    if text.startswith("timestamp[") and "tz=" in text:
        return types.TimestamptzType()
    if text in _TO_ICEBERG:
        return getattr(types, _TO_ICEBERG[text])()
    raise MasonUsageError(f"type '{name}' has no Iceberg equivalent (e.g. int64, double, string)")


def canonical_type(kind: Any) -> str:
    """Mason's canonical name for a pyiceberg type (nested types as Iceberg prints them)."""
    from pyiceberg import types

    if isinstance(kind, types.DecimalType):
        return f"decimal128({kind.precision}, {kind.scale})"
    return _FROM_ICEBERG.get(type(kind).__name__, str(kind))


def local_path(uri: str) -> str:
    """A ``file://`` URI (as pyiceberg records locations) as a plain path."""
    return uri[len("file://") :] if uri.startswith("file://") else uri


def snapshot_model(snapshot: Any, current: bool = False) -> Snapshot:
    summary = snapshot.summary
    extra = dict(summary.additional_properties) if summary is not None else {}
    return Snapshot(
        snapshot_id=snapshot.snapshot_id,
        parent_id=snapshot.parent_snapshot_id,
        committed_at=datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=timezone.utc),
        operation=summary.operation.value if summary is not None else None,
        summary={k: str(v) for k, v in extra.items()},
        current=current,
    )


def describe(table: IcebergTable, database: str, name: str) -> Table:
    """An Iceberg table as Mason's :class:`Table`, with its format metadata."""
    metadata = table.metadata
    schema = table.schema()
    columns = [
        Column(
            name=f.name,
            type=canonical_type(f.field_type),
            nullable=not f.required,
            description=f.doc,
            field_id=f.field_id,
        )
        for f in schema.fields
    ]
    spec = [
        PartitionField(
            source_column=schema.find_column_name(f.source_id) or str(f.source_id),
            transform=str(f.transform),
            name=f.name,
            field_id=f.field_id,
        )
        for f in table.spec().fields
    ]
    current = table.current_snapshot()
    totals = dict(current.summary.additional_properties) if current and current.summary else {}
    by_name = {c.name: c for c in columns}
    return Table(
        name=name,
        database=database,
        location=local_path(table.location()),
        format="iceberg",
        table_schema=Schema(columns=columns, schema_type="iceberg"),
        partition_keys=[
            by_name[p.source_column]
            for p in spec
            if p.transform == "identity" and p.source_column in by_name
        ],
        updated_at=datetime.fromtimestamp(metadata.last_updated_ms / 1000, tz=timezone.utc),
        created_by=metadata.properties.get("mason.created-by", "mason"),
        file_count=int(totals.get("total-data-files", 0)),
        size_bytes=int(totals.get("total-files-size", 0)),
        format_metadata=TableFormatMetadata(
            format_version=metadata.format_version,
            current_snapshot=snapshot_model(current, True) if current else None,
            snapshot_count=len(metadata.snapshots),
            partition_spec=spec,
            metadata_location=table.metadata_location,
            properties=dict(metadata.properties),
        ),
    )


def snapshot_as_of(table: IcebergTable, as_of: str | None, name: str) -> Any:
    """The snapshot a read sees: the current one, or ``as_of`` a snapshot id
    or an ISO timestamp (the snapshot current then). ``None`` for a table
    with no snapshot yet. A well-formed ``as_of`` naming no snapshot of the
    table is a one-line NotFoundError saying which snapshots it has."""
    if as_of is None or not as_of.strip():
        return table.current_snapshot()
    text = as_of.strip()
    when = parse_as_of(as_of)
    if isinstance(when, int):
        snapshot = table.snapshot_by_id(when)
        if snapshot is None:
            raise NotFoundError(f"table {name} has no snapshot {text}: {_snapshots_held(table)}")
        return snapshot
    snapshot = table.snapshot_as_of_timestamp(int(when.timestamp() * 1000))
    if snapshot is None:
        raise NotFoundError(
            f"table {name} has no snapshot as of {when.isoformat()}: {_snapshots_held(table)}"
        )
    return snapshot


def _snapshots_held(table: IcebergTable) -> str:
    """Which snapshots ``table`` has, for an error: how many, the oldest's
    commit time and the current id."""
    snapshots = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms)
    if not snapshots:
        return "it has no snapshot yet"
    oldest = datetime.fromtimestamp(snapshots[0].timestamp_ms / 1000, tz=timezone.utc)
    current = table.current_snapshot()
    now = f", current {current.snapshot_id}" if current is not None else ""
    return (
        f"it has {len(snapshots)}, the oldest committed at {oldest.isoformat()}{now} "
        "(see 'table history')"
    )


def file_io(filesystem: Any) -> Any:
    """A pyiceberg FileIO reading and writing every file through ``filesystem``
    (a ``pyarrow.fs.FileSystem``), whatever pyiceberg's own properties say: a
    client hands over the filesystem it built from its resolved credentials,
    endpoint, CA bundle and retries, so pyiceberg reaches what the client does."""
    from pyiceberg.io.pyarrow import PyArrowFileIO

    io = PyArrowFileIO()
    io.fs_by_scheme = lambda scheme, netloc: filesystem
    return io


def static_table(metadata_location: str, filesystem: Any = None) -> IcebergTable:
    """The table as its metadata file ``metadata_location`` describes it (read
    only). With ``filesystem`` (a ``pyarrow.fs.FileSystem``, e.g. the one
    :class:`~mason.sdk.engines.RemoteFilesystem` gives for the location), every
    metadata, manifest and data file is read through it, so the reads carry
    that filesystem's credentials and endpoint and nothing else; without one,
    pyiceberg reaches the files as its own defaults allow (local files)."""
    from pyiceberg.table import StaticTable

    if filesystem is None:
        return StaticTable.from_metadata(metadata_location)
    from pyiceberg.catalog.noop import NoopCatalog
    from pyiceberg.serializers import FromInputFile

    io = file_io(filesystem)
    metadata = FromInputFile.table_metadata(io.new_input(metadata_location))
    return StaticTable(
        identifier=("static-table", metadata_location),
        metadata_location=metadata_location,
        metadata=metadata,
        io=io,
        catalog=NoopCatalog("static-table"),
    )


def read_rows(table: Table, as_of: str | None = None, filesystem: Any = None) -> pa.Table:
    """The rows of the Iceberg ``table`` (a Mason table whose format metadata
    names its metadata file) now, or ``as_of`` a snapshot id or ISO timestamp:
    pyiceberg plans the snapshot's files and reads them (columns matched by
    field id, renamed and added columns resolved, deletes applied). Time travel
    reads with the schema the snapshot was written with."""
    name = f"{table.database}.{table.name}"
    metadata = table.format_metadata.metadata_location if table.format_metadata else None
    if not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    static = static_table(metadata, filesystem)
    snapshot = snapshot_as_of(static, as_of, name)
    if snapshot is None:
        return static.schema().as_arrow().empty_table()
    scan = static.scan() if as_of is None else static.scan(snapshot_id=snapshot.snapshot_id)
    return read_tasks(scan, list(scan.plan_files()))


def read_tasks(scan: Any, tasks: list[Any]) -> pa.Table:
    """The rows of ``tasks`` (some of the files ``scan`` planned), read by
    pyiceberg with the scan's projection and deletes but no row filter: a
    scan's ``row_filter`` chose which files to plan, and the caller filters
    the rows (DuckDB applies the whole ``WHERE``)."""
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.io.pyarrow import ArrowScan

    projection = scan.projection()
    if not tasks:
        return projection.as_arrow().empty_table()
    reader = ArrowScan(scan.table_metadata, scan.io, projection, AlwaysTrue(), scan.case_sensitive)
    return reader.to_table(tasks)


#: attempts at a commit that a concurrent writer keeps beating, before failing.
MAX_COMMIT_ATTEMPTS = 6


def _drop_pyiceberg_retry_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Commit failed due to a concurrent update")


def _quiet_pyiceberg_retries() -> None:
    """pyiceberg warns on stderr at each append it rebases on another writer's
    commit (no handler: Python's last resort prints it); the retries are
    :meth:`IcebergCatalog.commit`'s business, and a job that loses reports
    one line, so those warnings are dropped."""
    logger = logging.getLogger("pyiceberg.table")
    if _drop_pyiceberg_retry_warning not in logger.filters:
        logger.addFilter(_drop_pyiceberg_retry_warning)


def label(database: str, name: str) -> str:
    return f"{database}.{name}"


def metadata_gone(database: str, name: str, metadata_location: str) -> NotFoundError:
    """The one-line error of an Iceberg table whose catalog entry points at a
    metadata file that is gone (deleted by hand, a lifecycle rule...): the
    table cannot be read, and its data files are never read as plain files."""
    return NotFoundError(
        f"Iceberg table '{label(database, name)}': its metadata file {metadata_location} is "
        "gone (its files are not read as plain parquet)"
    )


class IcebergCatalog(ABC):
    """Iceberg tables of one catalog, as the table-format verbs use them: a
    client implements :meth:`load` (and may keep a table it just loaded for
    :meth:`cached`); committing with bounded retries, writes, evolution,
    history, rollback and scan planning below work over any catalog."""

    @abstractmethod
    def load(self, database: str, name: str) -> IcebergTable:
        """The table as its catalog has it now; NotFoundError when absent."""

    def cached(self, database: str, name: str) -> IcebergTable | None:
        """A table loaded moments ago in this run, for a commit's first attempt."""
        return None

    def committed(self, database: str, name: str, table: IcebergTable) -> None:
        """Told of each successful commit with the table as committed (which
        holds the metadata it wrote): a client may keep it for its next load."""
        return None

    def commit(self, database: str, name: str, work: Callable[[IcebergTable], T]) -> Committed[T]:
        """Run ``work`` (which commits once) on the freshly loaded table; when a
        concurrent writer committed first, load it again and redo the whole
        work, at most :data:`MAX_COMMIT_ATTEMPTS` times.

        pyiceberg itself rebases a lost append onto the new snapshot a few times
        (``commit.retry.num-retries``) and refuses one whose files a concurrent
        commit changed (a ``ValidationException``); this loop redoes what it
        cannot (an overwrite or upsert planned against files since replaced)."""
        from pyiceberg.exceptions import CommitFailedException, ValidationException

        _quiet_pyiceberg_retries()
        for attempt in range(MAX_COMMIT_ATTEMPTS):
            cached = self.cached(database, name) if attempt == 0 else None
            table = cached if cached is not None else self.load(database, name)
            current = table.current_snapshot()
            try:
                result = work(table)
            except (CommitFailedException, ValidationException):
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
                continue
            self.committed(database, name, table)
            return Committed(result, attempt, current.snapshot_id if current else None, table)
        raise MasonRuntimeError(
            f"table {label(database, name)}: other writers committed first "
            f"{MAX_COMMIT_ATTEMPTS} times in a row; nothing was written, try again"
        )


@dataclass
class Committed(Generic[T]):
    """What :meth:`IcebergTables.commit` did."""

    result: T
    #: attempts lost to concurrent writers before this one won.
    retries: int
    #: the snapshot current before the winning commit.
    since: int | None
    #: the table as committed.
    table: IcebergTable

    @property
    def snapshot_id(self) -> int | None:
        """The table's current snapshot after the commit."""
        current = self.table.current_snapshot()
        return current.snapshot_id if current else None


def conform(data: pa.Table, table: IcebergTable, name: str) -> pa.Table:
    """``data`` with the table's columns, in its order and types: a column the
    table lacks is refused, one the data lacks is null."""
    return conform_to(data, table.schema().as_arrow(), name)


def conform_to(data: pa.Table, target: pa.Schema, name: str) -> pa.Table:
    """``data`` with ``target``'s columns, in its order and types (any table
    format: Delta's writes conform through it too)."""
    import pyarrow as pa

    unknown = [c for c in data.column_names if c not in target.names]
    if unknown:
        raise MasonUsageError(
            f"column(s) {', '.join(unknown)} are not in table {name} "
            f"(columns: {', '.join(target.names)}); add them with 'table evolve' first"
        )
    arrays = []
    for field in target:
        if field.name not in data.column_names:
            arrays.append(pa.nulls(data.num_rows, field.type))
            continue
        try:
            arrays.append(data.column(field.name).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise MasonUsageError(
                f"column '{field.name}' of the source does not fit table {name}'s type "
                f"{field.type}: {str(exc).splitlines()[0]}"
            ) from None
    return pa.Table.from_arrays(arrays, schema=target)


def parse_filter(text: str | None, name: str) -> Any:
    """A pyiceberg expression for a boolean SQL-like ``filter``; ``None`` for all rows."""
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.expressions.parser import parse

    if text is None or not text.strip():
        return AlwaysTrue()
    try:
        return parse(text)
    except Exception as exc:  # pyparsing's ParseException and friends
        raise MasonUsageError(
            f"filter '{text}' for table {name} cannot be parsed: {str(exc).splitlines()[0]}"
        ) from None


def write(
    tables: IcebergCatalog,
    database: str,
    name: str,
    request: TableWrite,
    data: pa.Table | None,
) -> CommitResult:
    """One commit of ``request`` (see :class:`TableWrite`), writing ``data``
    (the rows of its source files; ``None`` for a delete)."""
    qualified = label(database, name)
    if request.mode == "upsert" and not request.keys:
        raise MasonUsageError(f"an upsert into {qualified} needs key columns (keys)")
    if request.mode == "delete" and not (request.filter or "").strip():
        raise MasonUsageError(f"a delete from {qualified} needs a filter (filter: id = 3)")
    condition = parse_filter(request.filter, qualified)

    mark = commit_mark()

    def work(table: IcebergTable) -> None:
        columns = table.schema().column_names
        missing = [k for k in request.keys if k not in columns]
        if missing:
            raise MasonUsageError(
                f"key column(s) {', '.join(missing)} are not in table {qualified}"
            )
        try:
            if request.mode == "delete":
                table.delete(delete_filter=condition, snapshot_properties=mark)
                return
            assert data is not None
            rows = conform(data, table, qualified)
            if request.mode == "append":
                table.append(rows, snapshot_properties=mark)
            elif request.mode == "overwrite":
                table.overwrite(rows, overwrite_filter=condition, snapshot_properties=mark)
            else:
                table.upsert(rows, join_cols=list(request.keys), snapshot_properties=mark)
        except (ValueError, TypeError) as exc:
            raise MasonUsageError(
                f"cannot {request.mode} table {qualified}: {first_line(exc)}"
            ) from None

    done = tables.commit(database, name, work)
    result = commit_result(done.table, done.since, qualified, request.mode, mark)
    result.retries = done.retries
    return result


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: the snapshot summary property that marks the snapshots of one Mason commit.
COMMIT_MARK = "mason.commit-id"


def commit_mark() -> dict[str, str]:
    """Snapshot properties marking a commit's snapshots (see :func:`commit_result`)."""
    import uuid

    return {COMMIT_MARK: uuid.uuid4().hex}


def commit_result(
    table: IcebergTable,
    since: int | None,
    name: str,
    operation: str,
    mark: dict[str, str] | None = None,
) -> CommitResult:
    """What the snapshots committed after ``since`` did, summed (an overwrite
    or upsert commits a removal and an append in one transaction). A removal
    rewrites the files it only partly deletes, so its rows count net: the
    rows copied into the rewritten files are neither added nor removed.

    With ``mark`` (the commit's :func:`commit_mark`), only the snapshots
    carrying it count: pyiceberg may rebase an append onto a snapshot another
    writer committed after ``since``, whose rows are not this commit's."""
    result = CommitResult(table=name, operation=operation)
    snapshot = table.current_snapshot()
    result.snapshot_id = snapshot.snapshot_id if snapshot else None
    wanted = mark.get(COMMIT_MARK) if mark else None
    seen_mine = False
    while snapshot is not None and snapshot.snapshot_id != since:
        summary = snapshot.summary
        figures = dict(summary.additional_properties) if summary is not None else {}
        if wanted is not None:
            if figures.get(COMMIT_MARK) != wanted:
                if seen_mine:
                    break  # below this commit's snapshots: another writer's
                parent = snapshot.parent_snapshot_id
                snapshot = table.snapshot_by_id(parent) if parent is not None else None
                continue
            seen_mine = True
        added = int(figures.get("added-records", 0))
        deleted = int(figures.get("deleted-records", 0))
        result.rows_added += max(0, added - deleted)
        result.rows_removed += max(0, deleted - added)
        result.files_added += int(figures.get("added-data-files", 0))
        result.files_removed += int(figures.get("deleted-data-files", 0))
        parent = snapshot.parent_snapshot_id
        snapshot = table.snapshot_by_id(parent) if parent is not None else None
    return result


def evolve(tables: IcebergCatalog, database: str, name: str, changes: list[SchemaChange]) -> None:
    """Apply ``changes`` in one commit; a change Iceberg forbids changes nothing."""
    qualified = label(database, name)
    if not changes:
        raise MasonUsageError(f"no change given for table {qualified}")

    def work(table: IcebergTable) -> None:
        schema_changes = [c for c in changes if c.kind not in ("partition_by", "drop_partition")]
        spec_changes = [c for c in changes if c.kind in ("partition_by", "drop_partition")]
        _check_drops(table, changes, qualified)
        try:
            with table.transaction() as tx:
                if schema_changes:
                    with tx.update_schema() as update:
                        for change in schema_changes:
                            _schema_change(update, change, qualified)
                if spec_changes:
                    with tx.update_spec() as spec:
                        for change in spec_changes:
                            _spec_change(spec, table, change, qualified)
        except MasonUsageError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "CommitFailedException":
                raise
            raise MasonUsageError(f"table {qualified}: refused: {first_line(exc)}") from None

    tables.commit(database, name, work)


def _check_drops(table: IcebergTable, changes: list[SchemaChange], name: str) -> None:
    schema = table.schema()
    sources = {schema.find_column_name(f.source_id) for f in table.spec().fields}
    dropped_fields = {c.column for c in changes if c.kind == "drop_partition"}
    for change in changes:
        if change.kind == "drop_column" and change.column in sources - dropped_fields:
            raise MasonUsageError(
                f"table {name}: column '{change.column}' partitions the table; "
                "drop its partition field first (drop_partition)"
            )


def _schema_change(update: Any, change: SchemaChange, name: str) -> None:
    if change.kind == "add_column":
        if not change.type:
            raise MasonUsageError(f"add_column '{change.column}' needs a type")
        update.add_column(change.column, iceberg_type(change.type))
    elif change.kind == "rename_column":
        if not change.new_name:
            raise MasonUsageError(f"rename_column '{change.column}' needs a new_name")
        update.rename_column(change.column, change.new_name)
    elif change.kind == "widen_column":
        if not change.type:
            raise MasonUsageError(f"widen_column '{change.column}' needs the wider type")
        update.update_column(change.column, field_type=iceberg_type(change.type))
    elif change.kind == "drop_column":
        update.delete_column(change.column)


def _spec_change(spec: Any, table: IcebergTable, change: SchemaChange, name: str) -> None:
    from pyiceberg.transforms import parse_transform

    if change.kind == "partition_by":
        try:
            transform = parse_transform(change.transform)
        except Exception:
            raise MasonUsageError(
                f"transform '{change.transform}' is not an Iceberg partition transform "
                "(identity, year, month, day, hour, bucket[N], truncate[N])"
            ) from None
        spec.add_field(change.column, transform)
        return
    schema = table.schema()
    for field in table.spec().fields:
        if schema.find_column_name(field.source_id) == change.column or field.name == change.column:
            spec.remove_field(field.name)
            return
    raise MasonUsageError(f"table {name} is not partitioned by '{change.column}'")


def history(table: IcebergTable) -> list[Snapshot]:
    current = table.current_snapshot()
    current_id = current.snapshot_id if current else None
    snapshots = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms)
    return [snapshot_model(s, s.snapshot_id == current_id) for s in snapshots]


def plan(table: IcebergTable, as_of: str | None, name: str) -> ScanPlan:
    """The data files a read of the table (``as_of``) sees, with their delete files."""
    snapshot = snapshot_as_of(table, as_of, name)
    if snapshot is None:
        scan = table.scan()
        return ScanPlan(columns=_columns(scan.projection()))
    # time travel reads with the schema of its snapshot; now, with the current one
    scan = table.scan() if as_of is None else table.scan(snapshot_id=snapshot.snapshot_id)
    tasks = [
        ScanTask(
            path=local_path(task.file.file_path),
            size_bytes=task.file.file_size_in_bytes,
            record_count=task.file.record_count,
            delete_files=[local_path(d.file_path) for d in task.delete_files],
        )
        for task in scan.plan_files()
    ]
    return ScanPlan(
        snapshot_id=snapshot.snapshot_id, columns=_columns(scan.projection()), tasks=tasks
    )


def _columns(schema: Any) -> list[Column]:
    return [
        Column(
            name=f.name,
            type=canonical_type(f.field_type),
            nullable=not f.required,
            field_id=f.field_id,
        )
        for f in schema.fields
    ]


def rollback(tables: IcebergCatalog, database: str, name: str, snapshot_id: int) -> None:
    """Make ``snapshot_id`` current (an earlier one, or back again after a rollback)."""
    table = tables.load(database, name)
    if table.snapshot_by_id(snapshot_id) is None:
        raise NotFoundError(
            f"table {label(database, name)} has no snapshot {snapshot_id} (see 'table history')"
        )

    def work(table: IcebergTable) -> None:
        table.manage_snapshots().set_current_snapshot(snapshot_id=snapshot_id).commit()

    tables.commit(database, name, work)


def new_table_layout(table: Table) -> tuple[Any, Any]:
    """The pyiceberg schema and partition spec of a new table with ``table``'s
    columns (its partition keys too), partitioned by its partition keys
    (identity) or its ``format_metadata.partition_spec``."""
    from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC, PartitionSpec
    from pyiceberg.partitioning import PartitionField as IcebergPartitionField
    from pyiceberg.schema import Schema as IcebergSchema
    from pyiceberg.transforms import parse_transform
    from pyiceberg.types import NestedField

    columns = list(table.table_schema.columns)
    names = {c.name for c in columns}
    columns += [k for k in table.partition_keys if k.name not in names]
    if not columns:
        raise MasonUsageError(f"Iceberg table '{table.name}' needs at least one column")
    fields = [
        NestedField(
            field_id=i,
            name=c.name,
            field_type=iceberg_type(c.type),
            required=False,
            doc=c.description,
        )
        for i, c in enumerate(columns, start=1)
    ]
    schema = IcebergSchema(*fields)
    wanted = (
        table.format_metadata.partition_spec
        if table.format_metadata and table.format_metadata.partition_spec
        else [PartitionField(source_column=k.name) for k in table.partition_keys]
    )
    ids = {c.name: i for i, c in enumerate(columns, start=1)}
    spec = UNPARTITIONED_PARTITION_SPEC
    if wanted:
        spec = PartitionSpec(
            *(
                IcebergPartitionField(
                    source_id=ids[p.source_column],
                    field_id=1000 + n,
                    transform=parse_transform(p.transform),
                    name=p.name or _partition_name(p.source_column, p.transform),
                )
                for n, p in enumerate(wanted)
            )
        )
    return schema, spec


def new_table_properties(table: Table) -> dict[str, str]:
    """The Iceberg table properties Mason gives a table it creates."""
    return {
        "write.parquet.compression-codec": "zstd",
        "mason.created-by": table.created_by or "mason",
    }


def _partition_name(column: str, transform: str) -> str:
    kind = transform.split("[", 1)[0]
    return column if kind == "identity" else f"{column}_{kind}"


def add_files(tables: IcebergCatalog, database: str, name: str, paths: list[str]) -> CommitResult:
    """Adopt parquet files (which the caller has checked exist) as the table's
    data, where they are, in one commit."""
    qualified = label(database, name)

    mark = commit_mark()

    def work(table: IcebergTable) -> None:
        try:
            table.add_files(file_paths=list(paths), snapshot_properties=mark)
        except (ValueError, TypeError, NotImplementedError) as exc:
            raise MasonUsageError(
                f"cannot add files to table {qualified}: {first_line(exc)}"
            ) from None

    done = tables.commit(database, name, work)
    result = commit_result(done.table, done.since, qualified, "add_files", mark)
    result.retries = done.retries
    return result
