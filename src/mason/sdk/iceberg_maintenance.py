"""Maintenance of Iceberg tables in any catalog: expire, compact, clean.

The files are reached through :class:`TableFiles` (a pyarrow filesystem:
the local one, or a client's S3 filesystem), so the local client and Glue
maintain their tables with the same code.

What may be deleted is decided from metadata, after the commit that made it
unreferenced, and only under the table's own location (files adopted with
``add_files`` stay where their owner put them):

- ``expire`` commits the removal of old snapshots first, then deletes the
  manifest lists, manifests and data files that the snapshots still in the
  committed metadata no longer reach. Killed between the two, the table is
  complete and the leftovers are orphans for ``clean``.
- ``compact`` writes new files, then commits one snapshot that swaps them for
  the small ones; the small files stay for readers of older snapshots until
  ``expire`` removes those.
- ``clean`` deletes only files that no snapshot, manifest or metadata file
  (current or logged) mentions, and that are older than a safety age of at
  least an hour, so a commit in progress never loses the files it is writing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from mason.sdk.iceberg import IcebergCatalog, label, local_path

__all__ = [
    "MAX_LISTED",
    "MIN_ORPHAN_AGE",
    "TableFiles",
    "clean",
    "compact",
    "expire",
    "metadata_files",
    "orphan_cutoff",
    "reachable",
]
from mason_core.errors import MasonUsageError
from mason_core.models import (
    MaintenanceReport,
)
from mason_core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from pyiceberg.table import Table as IcebergTable

#: ``clean`` never deletes a file younger than this, whatever it is asked.
MIN_ORPHAN_AGE = timedelta(hours=1)
#: paths a report lists at most.
MAX_LISTED = 2000


# -- what metadata references ---------------------------------------------------------


def reachable(table: IcebergTable, snapshots: Iterable[Any], live_only: bool) -> dict[str, int]:
    """Path -> size of every manifest list, manifest and data or delete file
    the ``snapshots`` reach. ``live_only`` leaves out entries a snapshot marks
    deleted (what ``expire`` may remove); otherwise every file any manifest
    mentions counts (what ``clean`` must keep)."""
    found: dict[str, int] = {}
    seen_manifests: set[str] = set()
    for snapshot in snapshots:
        found[local_path(snapshot.manifest_list)] = 0
        for manifest in snapshot.manifests(table.io):
            path = local_path(manifest.manifest_path)
            found[path] = manifest.manifest_length
            if path in seen_manifests:
                continue
            seen_manifests.add(path)
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=live_only):
                found[local_path(entry.data_file.file_path)] = entry.data_file.file_size_in_bytes
    return found


def metadata_files(table: IcebergTable) -> set[str]:
    """The current metadata file, those its log keeps, and statistics files."""
    metadata = table.metadata
    files = {local_path(table.metadata_location)}
    files |= {local_path(entry.metadata_file) for entry in metadata.metadata_log}
    files |= {local_path(s.statistics_path) for s in getattr(metadata, "statistics", [])}
    files |= {local_path(s.statistics_path) for s in getattr(metadata, "partition_statistics", [])}
    return files


@dataclass(frozen=True)
class TableFiles:
    """How maintenance reaches a table's files: a ``pyarrow.fs.FileSystem``,
    and the ``scheme`` (``s3://``) paths carry in metadata but not in that
    filesystem (``""`` for local paths)."""

    filesystem: Any
    scheme: str = ""

    @classmethod
    def local(cls) -> TableFiles:
        from pyarrow.fs import LocalFileSystem

        return cls(LocalFileSystem())

    def _path(self, uri: str) -> str:
        return uri[len(self.scheme) :] if self.scheme and uri.startswith(self.scheme) else uri

    def size(self, uri: str) -> int | None:
        """The file's size; ``None`` when it is gone."""
        from pyarrow.fs import FileType

        info = self.filesystem.get_file_info(self._path(uri))
        return int(info.size) if info.type == FileType.File else None

    def read(self, uri: str) -> bytes:
        """The file's bytes."""
        with self.filesystem.open_input_stream(self._path(uri)) as stream:
            return bytes(stream.read())

    def delete(self, uri: str) -> bool:
        """Delete the file; ``False`` when it was already gone."""
        try:
            self.filesystem.delete_file(self._path(uri))
        except FileNotFoundError:
            return False
        return True

    def walk(self, location: str) -> Iterator[tuple[str, int, float]]:
        """Every file under ``location``: its path as metadata names it, its
        size and its modification time (seconds since the epoch)."""
        from pyarrow.fs import FileSelector, FileType

        selector = FileSelector(self._path(location), recursive=True, allow_not_found=True)
        for info in self.filesystem.get_file_info(selector):
            if info.type != FileType.File:
                continue
            mtime = info.mtime_ns / 1e9 if info.mtime_ns is not None else 0.0
            yield f"{self.scheme}{info.path}", int(info.size), mtime


def orphan_cutoff(older_than: datetime) -> float:
    """The modification time (seconds since the epoch) before which an orphan
    file may be deleted: ``older_than``, refused when it is younger than
    :data:`MIN_ORPHAN_AGE` (such a file may belong to a commit in progress).
    Every table format's ``clean`` applies this one rule."""
    if older_than.tzinfo is None:
        older_than = older_than.replace(tzinfo=timezone.utc)
    if older_than > datetime.now(timezone.utc) - MIN_ORPHAN_AGE:
        raise MasonUsageError(
            f"clean only deletes files older than {int(MIN_ORPHAN_AGE.total_seconds() // 60)} "
            "minutes: a younger file may belong to a commit in progress"
        )
    return older_than.timestamp()


def _owned(path: str, location: str) -> bool:
    root = location.rstrip("/") + "/"
    return path.startswith(root)


def _delete(files: TableFiles, paths: list[str], progress: Progress, what: str) -> tuple[int, int]:
    """Delete ``paths`` (already gone is fine); files and bytes removed."""
    sizes = {}
    for path in paths:
        size = files.size(path)
        if size is not None:
            sizes[path] = size
    progress.start(what, len(sizes), sum(sizes.values()))
    removed = nbytes = 0
    try:
        for path, size in sizes.items():
            if not files.delete(path):
                continue
            removed, nbytes = removed + 1, nbytes + size
            progress.advance(1, size)
    finally:
        progress.finish()
    return removed, nbytes


# -- expire -----------------------------------------------------------------------------


def expire(
    tables: IcebergCatalog,
    files: TableFiles,
    database: str,
    name: str,
    older_than: datetime,
    retain_last: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    qualified = label(database, name)
    if retain_last < 1:
        raise MasonUsageError("retain_last must be at least 1 (the current snapshot stays)")
    cutoff = int(older_than.timestamp() * 1000)

    def doomed(table: IcebergTable) -> list[int]:
        current = table.current_snapshot()
        newest = sorted(table.metadata.snapshots, key=lambda s: -s.timestamp_ms)[:retain_last]
        keep = {s.snapshot_id for s in newest}
        keep |= {ref.snapshot_id for ref in table.metadata.refs.values()}
        if current is not None:
            keep.add(current.snapshot_id)
        return [
            s.snapshot_id
            for s in table.metadata.snapshots
            if s.timestamp_ms < cutoff and s.snapshot_id not in keep
        ]

    table = tables.load(database, name)
    before = reachable(table, table.metadata.snapshots, live_only=True)
    location = local_path(table.location())
    report = MaintenanceReport(table=qualified, operation="expire", dry_run=dry_run)
    ids = doomed(table)
    if dry_run:
        remaining = [s for s in table.metadata.snapshots if s.snapshot_id not in set(ids)]
        after = reachable(table, remaining, live_only=True)
        gone = sorted(p for p in set(before) - set(after) if _owned(p, location))
        report.snapshots_removed = len(ids)
        report.files_removed = len(gone)
        report.bytes_removed = sum(before[p] for p in gone)
        report.paths = gone[:MAX_LISTED]
        return report
    if not ids:
        return report

    def work(table: IcebergTable) -> int:
        chosen = doomed(table)
        if chosen:
            table.maintenance.expire_snapshots().by_ids(chosen).commit()
        return len(chosen)

    done = tables.commit(database, name, work)
    committed = done.table
    # what the committed metadata still reaches, from every snapshot it keeps
    after = reachable(committed, committed.metadata.snapshots, live_only=True)
    after_all = set(after) | metadata_files(committed)
    gone = sorted(p for p in set(before) - after_all if _owned(p, location))
    removed, nbytes = _delete(files, gone, progress, f"expire {qualified}")
    report.snapshots_removed = done.result
    report.files_removed, report.bytes_removed = removed, nbytes
    report.paths = gone[:MAX_LISTED]
    report.snapshot_id = done.snapshot_id
    return report


# -- compact ----------------------------------------------------------------------------


def compact(
    tables: IcebergCatalog,
    files: TableFiles,
    database: str,
    name: str,
    target_file_bytes: int,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """Rewrite each partition's files smaller than ``target_file_bytes`` (when
    there are at least two) into target-sized files, in one commit."""
    qualified = label(database, name)
    if target_file_bytes < 1024:
        raise MasonUsageError("target_file_bytes must be at least 1024")
    report = MaintenanceReport(table=qualified, operation="compact", dry_run=dry_run)

    def groups(table: IcebergTable) -> list[list[Any]]:
        if table.current_snapshot() is None:
            return []
        by_partition: dict[tuple[int, str], list[Any]] = defaultdict(list)
        for task in table.scan().plan_files():
            # files with delete files are left alone: their deletes stay valid
            if task.delete_files or task.file.file_size_in_bytes >= target_file_bytes:
                continue
            by_partition[(task.file.spec_id, repr(task.file.partition))].append(task)
        return [tasks for _, tasks in sorted(by_partition.items()) if len(tasks) > 1]

    table = tables.load(database, name)
    planned = groups(table)
    report.files_rewritten = sum(len(g) for g in planned)
    report.bytes_rewritten = sum(t.file.file_size_in_bytes for g in planned for t in g)
    if dry_run or not planned:
        return report

    def work(table: IcebergTable) -> tuple[int, int, int, int]:
        from pyiceberg.expressions import AlwaysTrue
        from pyiceberg.io.pyarrow import ArrowScan, _dataframe_to_data_files

        chosen = groups(table)
        total = sum(t.file.file_size_in_bytes for g in chosen for t in g)
        progress.start(f"compact {qualified}", sum(len(g) for g in chosen), total)
        removed = removed_bytes = added = added_bytes = 0
        try:
            with table.transaction() as tx:
                metadata = tx.table_metadata.model_copy(
                    update={
                        "properties": {
                            **tx.table_metadata.properties,
                            "write.target-file-size-bytes": str(target_file_bytes),
                        }
                    }
                )
                with tx.update_snapshot().overwrite() as rewrite:
                    for tasks in chosen:
                        rows = ArrowScan(metadata, table.io, table.schema(), AlwaysTrue()).to_table(
                            tasks
                        )
                        for data_file in _dataframe_to_data_files(metadata, rows, table.io):
                            rewrite.append_data_file(data_file)
                            added, added_bytes = (
                                added + 1,
                                added_bytes + data_file.file_size_in_bytes,
                            )
                        for task in tasks:
                            rewrite.delete_data_file(task.file)
                            removed += 1
                            removed_bytes += task.file.file_size_in_bytes
                        progress.advance(len(tasks), sum(t.file.file_size_in_bytes for t in tasks))
        finally:
            progress.finish()
        return removed, removed_bytes, added, added_bytes

    done = tables.commit(database, name, work)
    report.files_rewritten, report.bytes_rewritten, report.files_added, report.bytes_added = (
        done.result
    )
    report.snapshot_id = done.snapshot_id
    return report


# -- clean ------------------------------------------------------------------------------


def clean(
    tables: IcebergCatalog,
    files: TableFiles,
    database: str,
    name: str,
    older_than: datetime,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """Delete files under the table's location that nothing references and that
    were last modified before ``older_than`` (at least an hour ago)."""
    qualified = label(database, name)
    cutoff = orphan_cutoff(older_than)

    def referenced() -> tuple[set[str], str]:
        table = tables.load(database, name)
        kept = set(reachable(table, table.metadata.snapshots, live_only=False))
        return kept | metadata_files(table), local_path(table.location())

    kept, location = referenced()
    candidates: dict[str, int] = {}
    for path, size, mtime in files.walk(location):
        if path not in kept and mtime < cutoff:
            candidates[path] = size
    # a commit may have landed while the folder was walked: what it references stays too
    kept_now, _ = referenced()
    return remove_orphans(
        files, candidates, lambda path: path in kept_now, qualified, dry_run, progress
    )


def remove_orphans(
    files: TableFiles,
    candidates: dict[str, int],
    still_referenced: Callable[[str], bool],
    table: str,
    dry_run: bool,
    progress: Progress = NO_PROGRESS,
) -> MaintenanceReport:
    """The end of every format's ``clean``: the ``candidates`` (path: size, old
    enough and unreferenced when the folder was walked) that are still not
    referenced once the walk is over, deleted unless ``dry_run``, reported."""
    orphans = sorted(p for p in candidates if not still_referenced(p))
    report = MaintenanceReport(table=table, operation="clean", dry_run=dry_run)
    report.paths = orphans[:MAX_LISTED]
    if dry_run:
        report.files_removed = len(orphans)
        report.bytes_removed = sum(candidates[p] for p in orphans)
        return report
    report.files_removed, report.bytes_removed = _delete(files, orphans, progress, f"clean {table}")
    return report
