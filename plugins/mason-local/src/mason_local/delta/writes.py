"""Writes and maintenance of local Delta tables through delta-rs.

Every write is one Delta commit: delta-rs writes the new data files, then
creates the log's next ``NNN.json`` only if no other writer created it first
(an atomic create on the local filesystem). A reader sees the version before
or after, never between; a killed write leaves at most data files no version
references, which ``clean`` removes once they are old enough. A commit beaten
by a concurrent writer is redone on the table as that writer left it, a
bounded number of times.

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
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

from mason.sdk.delta import DELTA_LOG, arrow_schema, first_line, open_table, snapshots
from mason.sdk.errors import MasonRuntimeError, MasonUsageError
from mason.sdk.iceberg import MAX_COMMIT_ATTEMPTS
from mason.sdk.iceberg_maintenance import MAX_LISTED, TableFiles, _delete, orphan_cutoff
from mason.sdk.models import CommitResult, MaintenanceReport, SchemaChange, Table, TableWrite
from mason.sdk.progress import NO_PROGRESS, Progress
from mason_local.config import LocalClientConfig

if TYPE_CHECKING:
    import pyarrow as pa
    from deltalake import DeltaTable

T = TypeVar("T")

_SOURCE = "mason_source"
_TARGET = "mason_target"


def _name(entry: Table) -> str:
    return f"{entry.database}.{entry.name}"


def _location(entry: Table) -> str:
    if not entry.location:
        raise MasonRuntimeError(f"Delta table {_name(entry)} has no location")
    return entry.location


def commit(entry: Table, work: Callable[[DeltaTable], T]) -> tuple[T, int, int]:
    """Run ``work`` (one commit) on the table freshly opened; when a concurrent
    writer committed first, open it again and redo the work, at most
    :data:`MAX_COMMIT_ATTEMPTS` times. The result, the retries, and the
    version before the winning commit."""
    from deltalake.exceptions import CommitFailedError, DeltaError

    for attempt in range(MAX_COMMIT_ATTEMPTS):
        table = open_table(_location(entry), _name(entry))
        before = table.version()
        try:
            return work(table), attempt, before
        except CommitFailedError:
            pass
        except DeltaError as exc:
            if "conflict" not in str(exc).lower() and "concurrent" not in str(exc).lower():
                raise MasonUsageError(f"Delta table {_name(entry)}: {first_line(exc)}") from None
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


def write(entry: Table, request: TableWrite, config: LocalClientConfig) -> CommitResult:
    """One commit of ``request`` (see :class:`TableWrite`)."""
    from deltalake import write_deltalake

    from mason_local.iceberg.writes import read_sources

    name = _name(entry)
    if request.mode == "upsert" and not request.keys:
        raise MasonUsageError(f"an upsert into {name} needs key columns (keys)")
    condition = (request.filter or "").strip() or None
    if request.mode == "delete" and condition is None:
        raise MasonUsageError(f"a delete from {name} needs a filter (filter: id = 3)")
    data = read_sources(request.source_paths, config) if request.mode != "delete" else None

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

    _, retries, before = commit(entry, work)
    result = commit_result(entry, before, request.mode)
    result.retries = retries
    return result


def commit_result(entry: Table, since: int, operation: str) -> CommitResult:
    """What the versions committed after ``since`` did, from their metrics."""
    table = open_table(_location(entry), _name(entry))
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


def rollback(entry: Table, version: int) -> None:
    """Make ``version`` current again (a RESTORE commit: later versions stay in
    the history)."""
    from mason.sdk.errors import NotFoundError

    table = open_table(_location(entry), _name(entry))
    if not 0 <= version <= table.version():
        raise NotFoundError(
            f"Delta table {_name(entry)} has no version {version} (see 'table history')"
        )

    def work(table: DeltaTable) -> None:
        table.restore(version)

    commit(entry, work)


# -- maintenance -----------------------------------------------------------------------


def _hours_since(moment: datetime) -> int:
    """Whole hours between ``moment`` and now (vacuum's unit), rounded up: a
    file removed less than an hour before ``moment`` may stay, none younger goes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = (datetime.now(timezone.utc) - moment).total_seconds()
    return max(0, -int(-seconds // 3600))


def _sizes(paths: list[str]) -> dict[str, int]:
    sizes = {}
    for path in paths:
        try:
            sizes[path] = os.stat(path).st_size
        except FileNotFoundError:
            continue
    return sizes


def expire(
    entry: Table,
    older_than: datetime,
    retain_last: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """VACUUM the files removed from the table before ``older_than`` (and before
    the newest ``retain_last`` versions were committed)."""
    name, location = _name(entry), _location(entry)
    if retain_last < 1:
        raise MasonUsageError("retain_last must be at least 1 (the current version stays)")
    table = open_table(location, name)
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

    listed = vacuum(True)
    paths = sorted(_data_path(location, p) for p in listed)
    sizes = _sizes(paths)
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
    gone = [p for p in sizes if not os.path.exists(p)]
    report.files_removed, report.bytes_removed = len(gone), sum(sizes[p] for p in gone)
    report.snapshot_id = open_table(location, name).version()
    return report


def _data_path(location: str, path: str) -> str:
    if "://" in path:
        return unquote(urlparse(path).path)
    return str(Path(location) / unquote(path))


def compact(
    entry: Table,
    target_file_bytes: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """OPTIMIZE: each partition's files under ``target_file_bytes`` (when there
    are at least two) are rewritten into target-sized files, in one commit."""
    import pyarrow as pa

    name, location = _name(entry), _location(entry)
    if target_file_bytes < 1024:
        raise MasonUsageError("target_file_bytes must be at least 1024")
    table = open_table(location, name)
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

    metrics, _, _ = commit(entry, work)
    report.files_rewritten = int(metrics.get("numFilesRemoved", 0))
    report.files_added = int(metrics.get("numFilesAdded", 0))
    report.bytes_rewritten = _total_size(metrics.get("filesRemoved"))
    report.bytes_added = _total_size(metrics.get("filesAdded"))
    report.snapshot_id = open_table(location, name).version()
    return report


def _total_size(figures: Any) -> int:
    """``totalSize`` of optimize's file figures (a JSON text or a dict)."""
    if isinstance(figures, str):
        figures = json.loads(figures or "{}")
    return int((figures or {}).get("totalSize", 0))


def referenced(location: str) -> set[str]:
    """Every file path any action still in the log mentions (added, removed,
    change data), from the JSON commits and the checkpoints."""
    import pyarrow.parquet as pq

    log = Path(location) / DELTA_LOG
    found: set[str] = set()
    for path in sorted(log.iterdir()):
        if path.suffix == ".json" and path.stem.isdigit():
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    action = json.loads(line)
                    for kind in ("add", "remove", "cdc"):
                        if kind in action:
                            found.add(_data_path(location, action[kind]["path"]))
        elif path.name.endswith(".parquet") and ".checkpoint" in path.name:
            checkpoint = pq.read_table(path)
            for kind in ("add", "remove"):
                if kind in checkpoint.column_names:
                    for item in checkpoint.column(kind).to_pylist():
                        if item and item.get("path"):
                            found.add(_data_path(location, item["path"]))
    return found


def clean(
    entry: Table,
    older_than: datetime,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """Delete files under the table's folder that nothing in the log mentions
    and that were last modified before ``older_than`` (at least an hour ago).
    The log itself, hidden files and deletion vectors are never touched."""
    name, location = _name(entry), _location(entry)
    cutoff = orphan_cutoff(older_than)
    kept = referenced(location)
    candidates: dict[str, int] = {}
    for folder, dirs, files in os.walk(location):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        for file in files:
            path = os.path.join(folder, file)
            if path in kept or file.startswith((".", "_", "deletion_vector")):
                continue
            try:
                info = os.stat(path)
            except FileNotFoundError:
                continue
            if info.st_mtime < cutoff:
                candidates[path] = info.st_size
    # a commit may have landed while the folder was walked: what it mentions stays too
    kept = referenced(location)
    orphans = sorted(p for p in candidates if p not in kept)
    report = MaintenanceReport(table=name, operation="clean", dry_run=dry_run)
    report.paths = orphans[:MAX_LISTED]
    if dry_run:
        report.files_removed = len(orphans)
        report.bytes_removed = sum(candidates[p] for p in orphans)
        return report
    report.files_removed, report.bytes_removed = _delete(
        TableFiles.local(), orphans, progress, f"clean {name}"
    )
    return report


def _arrow_field(column: str, type_name: str) -> Any:
    import pyarrow as pa

    try:
        return pa.field(column, pa.type_for_alias(type_name.strip()))
    except (ValueError, KeyError):
        raise MasonUsageError(
            f"type '{type_name}' of column '{column}' is not an arrow type name "
            "(int32, int64, double, string, bool, date32, timestamp[us]...)"
        ) from None


def create(location: Path, table: Table) -> None:
    """An empty Delta table at ``location`` with ``table``'s columns, partitioned
    by its partition keys."""
    import pyarrow as pa
    from deltalake import DeltaTable

    columns = list(table.table_schema.columns)
    names = {c.name for c in columns}
    columns += [k for k in table.partition_keys if k.name not in names]
    if not columns:
        raise MasonUsageError(f"Delta table '{table.name}' needs at least one column")
    schema = pa.schema([_arrow_field(c.name, c.type) for c in columns])
    location.mkdir(parents=True, exist_ok=True)
    DeltaTable.create(
        str(location), schema, partition_by=[k.name for k in table.partition_keys] or None
    )


def evolve(entry: Table, changes: list[SchemaChange]) -> None:
    """Add columns, in one commit. Renaming, widening and dropping need Delta's
    column mapping and type widening, which delta-rs cannot write; a
    partition change rewrites the whole table in Delta: all refused."""
    from deltalake.schema import Schema as DeltaSchema

    name = _name(entry)
    if not changes:
        raise MasonUsageError(f"no change given for table {name}")
    refused = [c for c in changes if c.kind != "add_column"]
    if refused:
        raise MasonUsageError(
            f"Delta table {name}: {refused[0].kind} is not supported (delta-rs only adds "
            "columns; renames, drops and widening need column mapping or type widening, "
            "a partition change rewrites the table)"
        )
    for change in changes:
        if not change.type:
            raise MasonUsageError(f"add_column '{change.column}' needs a type")
    import pyarrow as pa

    added = DeltaSchema.from_arrow(
        pa.schema([_arrow_field(c.column, c.type or "") for c in changes])
    )

    def work(table: DeltaTable) -> None:
        existing = arrow_schema(table).names
        clash = [c.column for c in changes if c.column in existing]
        if clash:
            raise MasonUsageError(f"Delta table {name} already has column(s) {', '.join(clash)}")
        table.alter.add_columns(list(added.fields))

    commit(entry, work)
