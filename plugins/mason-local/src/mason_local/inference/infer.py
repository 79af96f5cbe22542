"""Inferring one table from the files at a location.

Files are grouped by format (the most common wins; the rest are skipped and
reported), by partition layout (likewise), then read concurrently: parquet
footers, samples of CSV and JSON lines. A file that cannot be read is skipped
with a warning; only a location with nothing readable is an error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mason_core.errors import MasonRuntimeError, NotFoundError
from mason_core.models import Column, InferredTable, Partition, Schema, Table
from mason_local.config import LocalClientConfig
from mason_local.inference.csv import read_csv_sample
from mason_local.inference.formats import TABLE_FORMATS, FileSchema, detect_format
from mason_local.inference.jsonl import read_jsonl_sample
from mason_local.inference.parquet import read_parquet_footer
from mason_local.inference.partitions import (
    dominant_layout,
    partition_type,
    partition_values,
)
from mason_local.inference.unify import unify_schemas
from mason_local.paths import data_files

#: the property holding a parquet table's row count, read from footers.
RECORD_COUNT = "record_count"
#: below this many files per worker, threads cost more than they save.
_MIN_FILES_PER_TASK = 16


@dataclass
class _Candidate:
    path: Path
    format: str
    partition: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Report:
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def skip(self, paths: list[Path], reason: str) -> None:
        if paths:
            self.skipped.extend(str(p) for p in paths)
            self.warnings.append(f"skipped {len(paths)} file(s): {reason}")


def default_table_name(location: Path) -> str:
    """A catalog-safe table name from a folder or file name."""
    stem = location.name if location.is_dir() else location.name.split(".", 1)[0]
    name = re.sub(r"\W+", "_", stem).strip("_")
    return name or "table"


def infer_location(
    location: Path, database_name: str, table_name: str | None, config: LocalClientConfig
) -> InferredTable:
    """The table the files at ``location`` (a file or folder) make up."""
    files = data_files(location)
    if not files:
        raise NotFoundError(f"no data files under {location}")
    base = location if location.is_dir() else location.parent
    report = _Report()
    candidates = _by_format(files, report)
    candidates, keys = _by_layout(candidates, base, report)
    schemas = _read_schemas(candidates, config, report)
    if not schemas:
        raise MasonRuntimeError(f"no readable data files under {location}: {report.warnings[-1]}")
    fmt = schemas[0].format
    unified = unify_schemas(schemas)
    partition_keys = [
        Column(name=key, type=partition_type([dict(c.partition)[key] for c in candidates]))
        for key in keys
    ]
    columns = []
    for name, kind in unified.columns:
        if name in keys:
            report.warnings.append(f"column '{name}' is also a partition key; using the key")
            continue
        columns.append(Column(name=name, type=kind))
    table = Table(
        name=table_name or default_table_name(location),
        database=database_name,
        location=str(location),
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


def _by_format(files: list[Path], report: _Report) -> list[_Candidate]:
    detected = [(path, detect_format(path)) for path in files]
    report.skip([p for p, f in detected if f is None], "not parquet, CSV or JSON lines")
    counts = Counter(f for _, f in detected if f is not None)
    if not counts:
        raise MasonRuntimeError(f"no parquet, CSV or JSON lines files among {len(files)} files")
    chosen = max(TABLE_FORMATS, key=lambda f: (counts[f], -TABLE_FORMATS.index(f)))
    for other in TABLE_FORMATS:
        if other != chosen:
            others = [p for p, f in detected if f == other]
            report.skip(others, f"mixed formats: the table is {chosen}, these are {other}")
    return [_Candidate(p, chosen) for p, f in detected if f == chosen]


def _by_layout(
    candidates: list[_Candidate], base: Path, report: _Report
) -> tuple[list[_Candidate], list[str]]:
    folders: dict[Path, list[tuple[str, str]] | None] = {}
    layouts = []
    for candidate in candidates:
        folder = candidate.path.parent
        if folder not in folders:
            folders[folder] = partition_values(folder.relative_to(base))
        pairs = folders[folder]
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
        [c.path for c, layout in zip(candidates, layouts, strict=True) if layout != keys],
        f"partition layout differs from {'/'.join(keys) or 'unpartitioned'}",
    )
    return kept, list(keys)


def _reader(fmt: str, config: LocalClientConfig) -> Callable[[Path, int], FileSchema]:
    if fmt == "parquet":
        return read_parquet_footer
    sample = config.csv_sample_bytes
    if fmt == "csv":
        return lambda path, size: read_csv_sample(path, size, sample)
    return lambda path, size: read_jsonl_sample(path, size, sample)


def _read_schemas(
    candidates: list[_Candidate], config: LocalClientConfig, report: _Report
) -> list[FileSchema]:
    if not candidates:
        return []
    read = _reader(candidates[0].format, config)

    def one(path: Path) -> FileSchema | Exception:
        try:
            return read(path, path.stat().st_size)
        except Exception as exc:  # one bad file is reported, never fatal
            return exc

    paths = [c.path for c in candidates]
    results = _map_in_chunks(one, paths, config.infer_workers)
    failures = [(p, r) for p, r in zip(paths, results, strict=True) if isinstance(r, Exception)]
    if failures:
        report.skipped.extend(str(p) for p, _ in failures)
        shown = "; ".join(f"{p}: {_one_line(e)}" for p, e in failures[:3])
        more = f" (+{len(failures) - 3} more)" if len(failures) > 3 else ""
        report.warnings.append(f"skipped {len(failures)} unreadable file(s): {shown}{more}")
    return [r for r in results if isinstance(r, FileSchema)]


def _map_in_chunks(
    func: Callable[[Path], FileSchema | Exception], paths: list[Path], workers: int
) -> list[FileSchema | Exception]:
    """``func`` over ``paths`` in order, on up to ``workers`` threads, each
    taking a run of files at a time (one task per file costs more than a footer)."""
    workers = max(1, min(workers, len(paths) // _MIN_FILES_PER_TASK))
    if workers == 1:
        return [func(p) for p in paths]
    size = -(-len(paths) // (workers * 4))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mason-infer") as pool:
        done = pool.map(lambda chunk: [func(p) for p in chunk], chunks)
        return [result for chunk in done for result in chunk]


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _partitions(candidates: list[_Candidate]) -> list[Partition]:
    seen: dict[Path, dict[str, str]] = {}
    for candidate in candidates:
        seen.setdefault(candidate.path.parent, dict(candidate.partition))
    return [
        Partition(values=values, location=str(folder)) for folder, values in sorted(seen.items())
    ]


def _properties(schemas: list[FileSchema], report: _Report) -> dict[str, str]:
    properties: dict[str, str] = {}
    if schemas[0].format == "parquet":
        properties[RECORD_COUNT] = str(sum(s.row_count or 0 for s in schemas))
        return properties
    keys = {k for s in schemas for k in s.properties}
    for key in sorted(keys):
        votes = Counter(s.properties.get(key, "") for s in schemas)
        value, _ = votes.most_common(1)[0]
        if len(votes) > 1:
            report.warnings.append(
                f"files disagree on {key} ({', '.join(repr(v) for v in votes)}); using {value!r}"
            )
        properties[key] = value
    return properties
