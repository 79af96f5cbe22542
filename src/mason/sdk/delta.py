"""Delta Lake tables as Mason's models, wherever their folder lives.

The catalog-independent part of Delta tables, shared by the local client (a
folder on disk) and mason-aws (an ``s3://`` prefix): opening a table (a
version of it) from its ``_delta_log`` with the ``storage_options`` of the
configuration's client that reaches it
(:attr:`~mason.sdk.engines.RemoteFilesystem.storage_options`), describing it as
a :class:`~mason.sdk.models.Table` with its format metadata, its history, and
the version a read ``as_of`` sees; then writing it and maintaining it. deltalake
(delta-rs) is imported inside the functions only.

Every write is one Delta commit: delta-rs writes the new data files, then
creates the log's next ``NNN.json`` only if no other writer created it first:
an atomic create on a local filesystem, a conditional put (``If-None-Match:
*``) on S3, which :func:`commit_options` always asks for. A reader sees the
version before or after, never between; a killed write leaves at most data
files no version references, which ``clean`` removes once they are old
enough. A commit beaten by a concurrent writer is redone on the table as that
writer left it, a bounded number of times.

Maintenance maps onto Delta as follows:

- ``expire``: ``VACUUM`` of the files the table removed before the cutoff
  (delta-rs's lite vacuum): versions older than the cutoff can no longer be
  read; the newest ``retain_last`` versions and the current one always can.
- ``compact``: ``OPTIMIZE`` (bin-packing small files into target-sized ones,
  per partition), one commit; the small files stay for older versions until
  ``expire``.
- ``clean``: deletes files under the table's folder that no add, remove or
  change-data action in the log mentions and that are older than a safety
  age of at least an hour.

Files are reached through :class:`~mason.sdk.iceberg_maintenance.TableFiles`
(the local filesystem, or a client's S3 filesystem).
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from mason.sdk.iceberg import parse_as_of
from mason_core.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason_core.models import (
    RESTORED_SNAPSHOT,
    Column,
    CommitResult,
    MaintenanceReport,
    PartitionField,
    Schema,
    Snapshot,
    Table,
    TableFormatMetadata,
    TableWrite,
)
from mason_core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    import pyarrow as pa
    from deltalake import DeltaTable

    from mason.sdk.iceberg_maintenance import TableFiles

T = TypeVar("T")

__all__ = [
    "DELTA_LOG",
    "arrow_schema",
    "child",
    "clean",
    "columns_of",
    "commit",
    "commit_options",
    "commit_result",
    "compact",
    "conform",
    "data_path",
    "describe",
    "expire",
    "first_line",
    "open_table",
    "referenced",
    "rollback",
    "snapshots",
    "version_as_of",
    "write",
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
    version number or an ISO timestamp (the version current then). A
    well-formed ``as_of`` naming no version is a one-line NotFoundError
    saying which versions the table has."""
    if as_of is None or not as_of.strip():
        return None
    text = as_of.strip()
    when = parse_as_of(as_of, "a version number")
    if isinstance(when, int):
        if not 0 <= when <= table.version():
            raise NotFoundError(
                f"Delta table {name} has no version {text}: {_versions_held(table)}"
            )
        return when
    cutoff = int(when.timestamp() * 1000)
    history = snapshots(table)
    older = [s for s in history if s.committed_at.timestamp() * 1000 <= cutoff]
    if not older:
        raise NotFoundError(
            f"Delta table {name} has no version as of {when.isoformat()}: "
            f"{_versions_held(table, history)}"
        )
    return older[-1].snapshot_id


def _versions_held(table: DeltaTable, history: list[Snapshot] | None = None) -> str:
    """Which versions ``table`` has, for an error: the range and the oldest's commit time."""
    history = snapshots(table) if history is None else history
    if not history:
        return f"its current version is {table.version()} (see 'table history')"
    oldest = history[0]
    return (
        f"its versions are {oldest.snapshot_id} to {table.version()}, the oldest committed "
        f"at {oldest.committed_at.isoformat()} (see 'table history')"
    )


# -- writes -----------------------------------------------------------------------------

_SOURCE = "mason_source"
_TARGET = "mason_target"


def _name(entry: Table) -> str:
    return f"{entry.database}.{entry.name}"


def _location(entry: Table) -> str:
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {_name(entry)} has no location")
    return entry.location


def _remote(location: str) -> bool:
    return "://" in location and not location.startswith("file:")


def _writing(entry: Table, storage_options: dict[str, str] | None) -> dict[str, str] | None:
    """The options a commit to ``entry`` uses: for a remote table, its
    client's with the conditional put stated (:func:`commit_options`)."""
    if _remote(_location(entry)):
        return commit_options(storage_options or {}, _name(entry))
    return storage_options


def commit(
    entry: Table,
    work: Callable[[DeltaTable], T],
    storage_options: dict[str, str] | None = None,
) -> tuple[T, int, int]:
    """Run ``work`` (one commit) on the table freshly opened; when a concurrent
    writer committed first, open it again and redo the work, at most
    :data:`~mason.sdk.iceberg.MAX_COMMIT_ATTEMPTS` times. The result, the
    retries, and the version before the winning commit."""
    from deltalake.exceptions import CommitFailedError, DeltaError

    from mason.sdk.iceberg import MAX_COMMIT_ATTEMPTS

    options = _writing(entry, storage_options)
    for attempt in range(MAX_COMMIT_ATTEMPTS):
        table = open_table(_location(entry), _name(entry), storage_options=options)
        before = table.version()
        try:
            return work(table), attempt, before
        except CommitFailedError:
            pass
        except DeltaError as exc:
            if "conflict" not in str(exc).lower() and "concurrent" not in str(exc).lower():
                raise MasonUsageError(f"Delta table {_name(entry)}: {first_line(exc)}") from None
        except OSError as exc:  # the store failed (after object_store's own retries)
            raise MasonRuntimeError(f"Delta table {_name(entry)}: {first_line(exc)}") from None
        time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
    raise MasonRuntimeError(
        f"table {_name(entry)}: other writers committed first {MAX_COMMIT_ATTEMPTS} times "
        "in a row; nothing was written, try again"
    )


def conform(data: pa.Table, table: DeltaTable, name: str) -> pa.Table:
    """``data`` with the table's columns, order and types (see the Iceberg one)."""
    from mason.sdk.iceberg import conform_to

    return conform_to(data, arrow_schema(table), name)


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def write(
    entry: Table,
    request: TableWrite,
    data: pa.Table | None,
    storage_options: dict[str, str] | None = None,
) -> CommitResult:
    """One commit of ``request`` (see :class:`~mason.sdk.models.TableWrite`)
    with the rows ``data`` (read by the client from the request's sources;
    ``None`` for a delete)."""
    from deltalake import write_deltalake

    name = _name(entry)
    if request.mode == "upsert" and not request.keys:
        raise MasonUsageError(f"an upsert into {name} needs key columns (keys)")
    condition = (request.filter or "").strip() or None
    if request.mode == "delete" and condition is None:
        raise MasonUsageError(f"a delete from {name} needs a filter (filter: id = 3)")
    if request.mode != "delete" and data is None:
        raise MasonUsageError(f"no source rows to write into {name}")

    def work(table: DeltaTable) -> None:
        columns = arrow_schema(table).names
        missing = [k for k in request.keys if k not in columns]
        if missing:
            raise MasonUsageError(f"key column(s) {', '.join(missing)} are not in table {name}")
        if request.mode == "delete":
            assert condition is not None
            table.delete(condition)
            return
        assert data is not None
        rows = conform(data, table, name)
        if request.mode == "append":
            write_deltalake(table, rows, mode="append")
        elif request.mode == "overwrite" and condition is None:
            write_deltalake(table, rows, mode="overwrite")
        elif request.mode == "overwrite":
            # rows matching the filter go, every source row comes in: one MERGE commit
            # (Delta's own replaceWhere would refuse source rows outside the filter)
            assert condition is not None
            source = rows.rename_columns([f"{_SOURCE}_{c}" for c in rows.column_names])
            inserts = {_quoted(c): _quoted(f"{_SOURCE}_{c}") for c in rows.column_names}
            (
                table.merge(source, predicate="false")
                .when_not_matched_insert(updates=inserts)
                .when_not_matched_by_source_delete(predicate=condition)
                .execute()
            )
        else:
            on = " AND ".join(
                f"{_TARGET}.{_quoted(k)} = {_SOURCE}.{_quoted(k)}" for k in request.keys
            )
            (
                table.merge(rows, predicate=on, source_alias=_SOURCE, target_alias=_TARGET)
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute()
            )

    _, retries, before = commit(entry, work, storage_options)
    result = commit_result(entry, before, request.mode, storage_options)
    result.retries = retries
    return result


def commit_result(
    entry: Table, since: int, operation: str, storage_options: dict[str, str] | None = None
) -> CommitResult:
    """What the versions committed after ``since`` did, from their metrics."""
    table = open_table(_location(entry), _name(entry), storage_options=storage_options)
    result = CommitResult(table=_name(entry), operation=operation, snapshot_id=table.version())
    for entry_ in table.history(max(1, table.version() - since)):
        if int(entry_["version"]) <= since:
            continue
        m = {k: int(v) for k, v in (entry_.get("operationMetrics") or {}).items() if _int(v)}
        inserted = m.get("num_added_rows", 0) + m.get("num_target_rows_inserted", 0)
        deleted = m.get("num_deleted_rows", 0) + m.get("num_target_rows_deleted", 0)
        result.rows_added += inserted
        result.rows_removed += deleted
        result.files_added += m.get("num_added_files", 0) + m.get("num_target_files_added", 0)
        result.files_removed += m.get("num_removed_files", 0) + m.get("num_target_files_removed", 0)
    return result


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def rollback(entry: Table, version: int, storage_options: dict[str, str] | None = None) -> None:
    """Make ``version`` current again (a RESTORE commit: later versions stay in
    the history)."""
    table = open_table(_location(entry), _name(entry), storage_options=storage_options)
    if not 0 <= version <= table.version():
        raise NotFoundError(
            f"Delta table {_name(entry)} has no version {version} (see 'table history')"
        )

    def work(table: DeltaTable) -> None:
        table.restore(version)

    commit(entry, work, storage_options)


# -- maintenance -------------------------------------------------------------------------


def _files(files: TableFiles | None) -> TableFiles:
    from mason.sdk.iceberg_maintenance import TableFiles

    return files if files is not None else TableFiles.local()


def data_path(location: str, path: str) -> str:
    """A path the log or delta-rs gives (relative to the table, or a URI) as
    the file's path or URI: ``file:`` URIs become paths, others stay URIs."""
    from urllib.parse import unquote, urlparse

    if path.startswith("file:"):
        return unquote(urlparse(path).path)
    if "://" in path:
        return path
    return child(location, unquote(path))


def _same(path: str) -> str:
    """``path`` spelled one way (a local path normalised; a URI as it is)."""
    import os.path

    return path if "://" in path else os.path.normpath(path)


def _hours_since(moment: datetime) -> int:
    """Whole hours between ``moment`` and now (vacuum's unit), rounded up: a
    file removed less than an hour before ``moment`` may stay, none younger goes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = (datetime.now(timezone.utc) - moment).total_seconds()
    return max(0, -int(-seconds // 3600))


def expire(
    entry: Table,
    older_than: datetime,
    retain_last: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
    storage_options: dict[str, str] | None = None,
    files: TableFiles | None = None,
) -> MaintenanceReport:
    """VACUUM the files removed from the table before ``older_than`` (and before
    the newest ``retain_last`` versions were committed)."""
    from mason.sdk.iceberg_maintenance import MAX_LISTED

    name, location, reach = _name(entry), _location(entry), _files(files)
    if retain_last < 1:
        raise MasonUsageError("retain_last must be at least 1 (the current version stays)")
    options = _writing(entry, storage_options)
    table = open_table(location, name, storage_options=options)
    history = snapshots(table)
    kept = [s.snapshot_id for s in history[-retain_last:]]
    hours = _hours_since(older_than)
    expired = [s for s in history if s.committed_at < older_than and s.snapshot_id not in kept]
    report = MaintenanceReport(table=name, operation="expire", dry_run=dry_run)

    def vacuum(dry: bool) -> list[str]:
        # keep_versions: the files the newest versions read stay, whatever their age
        return list(
            table.vacuum(
                retention_hours=hours,
                dry_run=dry,
                enforce_retention_duration=False,
                keep_versions=kept,
            )
        )

    paths = sorted(data_path(location, p) for p in vacuum(True))
    sizes = {p: size for p in paths if (size := reach.size(p)) is not None}
    report.snapshots_removed = len(expired)
    report.paths = paths[:MAX_LISTED]
    report.files_removed, report.bytes_removed = len(sizes), sum(sizes.values())
    if dry_run or not paths:
        report.snapshot_id = table.version()
        return report
    progress.start(f"expire {name}", len(sizes), sum(sizes.values()))
    try:
        done = vacuum(False)
        progress.advance(len(done), sum(sizes.values()))
    finally:
        progress.finish()
    gone = [p for p in sizes if reach.size(p) is None]
    report.files_removed, report.bytes_removed = len(gone), sum(sizes[p] for p in gone)
    report.snapshot_id = open_table(location, name, storage_options=options).version()
    return report


def compact(
    entry: Table,
    target_file_bytes: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
    storage_options: dict[str, str] | None = None,
) -> MaintenanceReport:
    """OPTIMIZE: each partition's files under ``target_file_bytes`` (when there
    are at least two) are rewritten into target-sized files, in one commit."""
    import pyarrow as pa

    name, location = _name(entry), _location(entry)
    if target_file_bytes < 1024:
        raise MasonUsageError("target_file_bytes must be at least 1024")
    options = _writing(entry, storage_options)
    table = open_table(location, name, storage_options=options)
    actions = pa.table(table.get_add_actions(flatten=False)).to_pylist()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in actions:
        if int(action["size_bytes"]) < target_file_bytes:
            groups[json.dumps(action.get("partition") or {}, sort_keys=True, default=str)].append(
                action
            )
    small = [a for g in groups.values() if len(g) > 1 for a in g]
    report = MaintenanceReport(table=name, operation="compact", dry_run=dry_run)
    report.files_rewritten = len(small)
    report.bytes_rewritten = sum(int(a["size_bytes"]) for a in small)
    report.snapshot_id = table.version()
    if dry_run or not small:
        return report

    def work(table: DeltaTable) -> dict[str, Any]:
        progress.start(f"compact {name}", len(small), report.bytes_rewritten)
        try:
            return dict(table.optimize.compact(target_size=target_file_bytes))
        finally:
            progress.advance(len(small), report.bytes_rewritten)
            progress.finish()

    metrics, _, _ = commit(entry, work, storage_options)
    report.files_rewritten = int(metrics.get("numFilesRemoved", 0))
    report.files_added = int(metrics.get("numFilesAdded", 0))
    report.bytes_rewritten = _total_size(metrics.get("filesRemoved"))
    report.bytes_added = _total_size(metrics.get("filesAdded"))
    report.snapshot_id = open_table(location, name, storage_options=options).version()
    return report


def _total_size(figures: Any) -> int:
    """``totalSize`` of optimize's file figures (a JSON text or a dict)."""
    if isinstance(figures, str):
        figures = json.loads(figures or "{}")
    return int((figures or {}).get("totalSize", 0))


def referenced(location: str, files: TableFiles | None = None) -> set[str]:
    """Every file path any action still in the log mentions (added, removed,
    change data), from the JSON commits and the checkpoints."""
    import io

    import pyarrow.parquet as pq

    reach = _files(files)
    found: set[str] = set()
    for path, _, _ in reach.walk(child(location, DELTA_LOG)):
        file = path.rsplit("/", 1)[-1]
        if file.endswith(".json") and file[: -len(".json")].isdigit():
            for line in reach.read(path).decode("utf-8").splitlines():
                if not line.strip():
                    continue
                action = json.loads(line)
                for kind in ("add", "remove", "cdc"):
                    if kind in action:
                        found.add(_same(data_path(location, action[kind]["path"])))
        elif file.endswith(".parquet") and ".checkpoint" in file:
            checkpoint = pq.read_table(io.BytesIO(reach.read(path)))
            for kind in ("add", "remove"):
                if kind in checkpoint.column_names:
                    for item in checkpoint.column(kind).to_pylist():
                        if item and item.get("path"):
                            found.add(_same(data_path(location, item["path"])))
    return found


def _hidden(location: str, path: str) -> bool:
    """Whether ``path`` below the table is the log's, hidden, or a deletion vector."""
    parts = _same(path)[len(_same(location).rstrip("/")) + 1 :].split("/")
    return any(p.startswith((".", "_")) for p in parts[:-1]) or parts[-1].startswith(
        (".", "_", "deletion_vector")
    )


def clean(
    entry: Table,
    older_than: datetime,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
    files: TableFiles | None = None,
) -> MaintenanceReport:
    """Delete files under the table's folder that nothing in the log mentions
    and that were last modified before ``older_than`` (at least an hour ago).
    The log itself, hidden files and deletion vectors are never touched."""
    from mason.sdk.iceberg_maintenance import orphan_cutoff, remove_orphans

    name, location, reach = _name(entry), _location(entry), _files(files)
    cutoff = orphan_cutoff(older_than)
    kept = referenced(location, reach)
    candidates: dict[str, int] = {}
    for path, size, mtime in reach.walk(location):
        if _same(path) in kept or _hidden(location, path):
            continue
        if mtime < cutoff:
            candidates[path] = size
    # a commit may have landed while the folder was walked: what it mentions stays too
    kept = referenced(location, reach)
    return remove_orphans(
        reach, candidates, lambda path: _same(path) in kept, name, dry_run, progress
    )
