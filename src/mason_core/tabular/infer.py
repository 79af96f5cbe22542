"""Inferring one table from the data files at a location, whatever stores them.

Files are grouped by format (the most common wins; the rest are skipped and
reported), by hive partition layout (likewise), then read concurrently by the
client's reader (a parquet footer, a sample of text). A file that cannot be
read is skipped with a warning; only a location with nothing readable is an
error. Shared so the local disk and S3 make the same table of the same files:
a client lists its files and reads one; everything else happens here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from mason_core.errors import MasonRuntimeError
from mason_core.models import Column, InferredTable, Partition, Schema, Table
from mason_core.progress import NO_PROGRESS, Progress
from mason_core.tabular.formats import TABLE_FORMATS
from mason_core.tabular.partitions import dominant_layout, partition_type, partition_values
from mason_core.tabular.schema import FileSchema, unify_schemas

#: the property holding a table's row count, summed from parquet footers.
RECORD_COUNT = "record_count"
#: the table property listing (JSON) the files of the table's own format that
#: inference left out (unreadable, or in another partition layout): every
#: reader of the table leaves them out too (see :func:`skipped_files`).
SKIPPED_FILES = "skipped_files"


def skipped_files(table: Table) -> frozenset[str]:
    """The files (locations as inference listed them) every reader of ``table``
    leaves out, because its inference did: the one rule for damaged files
    (docs/safety.md, "Consistency between readers")."""
    import json

    recorded = table.properties.get(SKIPPED_FILES)
    if not recorded:
        return frozenset()
    try:
        found = json.loads(recorded)
    except ValueError:
        return frozenset()
    return frozenset(str(f) for f in found) if isinstance(found, list) else frozenset()


_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass
class DataFile:
    """One file of a table's location, as its client lists it."""

    #: the file as reported to users: a path or a URI.
    location: str
    #: folder segments between the table's root and the file.
    folder: tuple[str, ...]
    #: where the file's folder is: a partition's location.
    folder_location: str
    #: the format its name or content shows; ``None`` for no table format.
    format: str | None
    #: its size when the listing gave it (the reader may find it otherwise).
    size_bytes: int | None = None
    #: the (key, value) pairs of its folder, once partitioned.
    partition: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class InferenceReport:
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: skipped files of the table's own format, recorded on the table (SKIPPED_FILES)
    excluded: list[str] = field(default_factory=list)

    def skip(self, files: Sequence[DataFile], reason: str, exclude: bool = False) -> None:
        if files:
            self.skipped.extend(f.location for f in files)
            if exclude:
                self.excluded.extend(f.location for f in files)
            self.warnings.append(f"skipped {len(files)} file(s): {reason}")


def infer_table(
    files: Sequence[DataFile],
    read: Callable[[DataFile], FileSchema],
    *,
    database: str,
    name: str,
    location: str,
    workers: int,
    files_per_task: int = 1,
    progress: Progress = NO_PROGRESS,
) -> InferredTable:
    """The table ``files`` (everything listed at ``location``) make up.

    ``read`` gives one file's schema; it runs on up to ``workers`` threads,
    each taking at least ``files_per_task`` files at a time (local footers are
    cheaper than a thread's hand-off; remote reads are not). ``progress``
    counts the files read (the engine's ``context.progress``).
    """
    report = InferenceReport()
    candidates = _by_format(files, report)
    candidates, keys = _by_layout(candidates, report)
    progress.start(f"reading the schemas under {location}", len(candidates), 0)
    try:
        schemas = _read_schemas(candidates, read, workers, files_per_task, report, progress)
    finally:
        progress.finish()
    if not schemas:
        raise MasonRuntimeError(f"no readable data files under {location}: {report.warnings[-1]}")
    fmt = schemas[0].format
    unified = unify_schemas(schemas)
    partition_keys = [
        Column(name=key, type=partition_type(dict(c.partition)[key] for c in candidates))
        for key in keys
    ]
    columns = []
    for column, kind in unified.columns:
        if column in keys:
            report.warnings.append(f"column '{column}' is also a partition key; using the key")
            continue
        columns.append(Column(name=column, type=kind))
    table = Table(
        name=name,
        database=database,
        location=location,
        format=fmt,
        table_schema=Schema(columns=columns, schema_type=fmt),
        partition_keys=partition_keys,
        partitions=_partitions(candidates) if keys else None,
        properties=_properties(schemas, report),
        file_count=len(schemas),
        size_bytes=sum(s.size_bytes for s in schemas),
    )
    return InferredTable(
        table=table,
        conflicts=unified.conflicts,
        warnings=report.warnings + unified.warnings,
        skipped_files=report.skipped,
    )


def _by_format(files: Sequence[DataFile], report: InferenceReport) -> list[DataFile]:
    report.skip([f for f in files if f.format is None], "not parquet, CSV or JSON lines")
    counts = Counter(f.format for f in files if f.format is not None)
    if not counts:
        raise MasonRuntimeError(f"no parquet, CSV or JSON lines files among {len(files)} files")
    chosen = max(TABLE_FORMATS, key=lambda f: (counts[f], -TABLE_FORMATS.index(f)))
    for other in TABLE_FORMATS:
        if other != chosen:
            others = [f for f in files if f.format == other]
            report.skip(others, f"mixed formats: the table is {chosen}, these are {other}")
    return [f for f in files if f.format == chosen]


def _by_layout(
    candidates: list[DataFile], report: InferenceReport
) -> tuple[list[DataFile], list[str]]:
    folders: dict[tuple[str, ...], list[tuple[str, str]] | None] = {}
    layouts = []
    for candidate in candidates:
        if candidate.folder not in folders:
            folders[candidate.folder] = partition_values(candidate.folder)
        pairs = folders[candidate.folder]
        candidate.partition = pairs or []
        layouts.append(tuple(k for k, _ in pairs) if pairs is not None else None)
    if any(layout is None for layout in layouts):
        # plain nested folders: not partitioned, every file belongs to the table
        if any(layouts):
            report.warnings.append("some folders are not key=value: the table is unpartitioned")
        for candidate in candidates:
            candidate.partition = []
        return candidates, []
    keys = dominant_layout([layout for layout in layouts if layout is not None])
    kept = [c for c, layout in zip(candidates, layouts, strict=True) if layout == keys]
    report.skip(
        [c for c, layout in zip(candidates, layouts, strict=True) if layout != keys],
        f"partition layout differs from {'/'.join(keys) or 'unpartitioned'}",
        exclude=True,
    )
    return kept, list(keys)


def _read_schemas(
    candidates: list[DataFile],
    read: Callable[[DataFile], FileSchema],
    workers: int,
    files_per_task: int,
    report: InferenceReport,
    progress: Progress,
) -> list[FileSchema]:
    def one(candidate: DataFile) -> FileSchema | Exception:
        try:
            return read(candidate)
        except Exception as exc:  # one bad file is reported, never fatal
            return exc

    def done(count: int) -> None:
        progress.advance(files=count)

    results = map_concurrently(one, candidates, workers, files_per_task, done)
    failures = [
        (c, r) for c, r in zip(candidates, results, strict=True) if isinstance(r, Exception)
    ]
    if failures:
        report.skipped.extend(c.location for c, _ in failures)
        report.excluded.extend(c.location for c, _ in failures)
        shown = "; ".join(f"{c.location}: {one_line(e)}" for c, e in failures[:3])
        more = f" (+{len(failures) - 3} more)" if len(failures) > 3 else ""
        report.warnings.append(f"skipped {len(failures)} unreadable file(s): {shown}{more}")
    return [r for r in results if isinstance(r, FileSchema)]


def map_concurrently(
    func: Callable[[_T], _R],
    items: Sequence[_T],
    workers: int,
    per_task: int = 1,
    done: Callable[[int], None] | None = None,
) -> list[_R]:
    """``func`` over ``items`` in order, on up to ``workers`` threads, each task
    taking a run of at least ``per_task`` items. ``done(n)`` is called on this
    thread as each run of ``n`` results is collected (a hundred or so runs in
    all), so a progress display needs no locking and costs nothing per item."""
    workers = max(1, min(workers, len(items) // max(1, per_task)))
    size = max(1, -(-len(items) // (workers * 4 if workers > 1 else 100)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]

    def run(chunk: Sequence[_T]) -> list[_R]:
        return [func(item) for item in chunk]

    if workers == 1:
        return _collect(map(run, chunks), done)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mason-infer") as pool:
        return _collect(pool.map(run, chunks), done)


def _collect(parts: Iterable[list[_R]], done: Callable[[int], None] | None) -> list[_R]:
    results: list[_R] = []
    for part in parts:
        results.extend(part)
        if done is not None:
            done(len(part))
    return results


def one_line(exc: Exception) -> str:
    """An exception as one short line: its type and first line of text."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _partitions(candidates: list[DataFile]) -> list[Partition]:
    seen: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}
    for candidate in candidates:
        seen.setdefault(candidate.folder, (candidate.folder_location, dict(candidate.partition)))
    return [Partition(values=values, location=where) for _, (where, values) in sorted(seen.items())]


def _properties(schemas: list[FileSchema], report: InferenceReport) -> dict[str, str]:
    """Reader properties most files agree on; a disagreement is a warning."""
    properties: dict[str, str] = {}
    if all(s.row_count is not None for s in schemas):
        properties[RECORD_COUNT] = str(sum(s.row_count or 0 for s in schemas))
    keys = {k for s in schemas for k in s.properties}
    for key in sorted(keys):
        votes = Counter(s.properties.get(key, "") for s in schemas)
        value, _ = votes.most_common(1)[0]
        if len(votes) > 1:
            report.warnings.append(
                f"files disagree on {key} ({', '.join(repr(v) for v in votes)}); using {value!r}"
            )
        properties[key] = value
    if report.excluded:
        import json

        properties[SKIPPED_FILES] = json.dumps(sorted(report.excluded))
    return properties
