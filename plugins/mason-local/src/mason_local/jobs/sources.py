"""Merge inputs: the files under an input path, and SQL that reads any group of
them with one schema.

Files of different formats and column sets are read by DuckDB's own readers
(``union_by_name``) and stacked with ``UNION ALL BY NAME``; :func:`conform_sql`
then casts a group to the schema of the whole input, so groups written one
after another produce one consistent dataset.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.tabular import partition_values
from mason_local.inference.files import detect_format
from mason_local.jobs.sql import ident, literal_list, query_error
from mason_local.jobs.tables import damaged_file
from mason_local.paths import data_files, is_data_name

if TYPE_CHECKING:
    import duckdb

#: a group's limits: big enough to keep DuckDB's threads busy and to write few
#: small output files, small enough that progress moves and that DuckDB's
#: per-file state (a schema and reader per file of a ``union_by_name`` read,
#: about 12 KB) stays a few tens of MB however many files the input has.
GROUP_BYTES = 256 * 1024 * 1024
GROUP_FILES = 2048

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class InputFile:
    path: Path
    #: ``parquet``, ``csv`` or ``jsonl`` (the inference package's names).
    format: str
    size: int


@dataclass
class Inputs:
    base: Path
    files: list[InputFile]
    #: data files that are none of the readable formats.
    skipped: list[Path] = field(default_factory=list)
    #: every file sits in the same ``key=value`` folder layout below ``base``.
    hive: bool = False
    #: ``(path, reason)`` of the skipped files whose bytes are not their format's.
    damaged: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def find_inputs(base: Path, extract_paths: list[str], root: Path | None = None) -> Inputs:
    """The readable files at ``base`` (a file or folder), restricted to
    ``extract_paths`` (sub-paths or globs relative to ``base``) when given;
    none reached through a symlink leading outside ``root``."""
    if not base.exists():
        raise NotFoundError(f"input path {base} does not exist")
    paths = _extracted(base, extract_paths, root) if extract_paths else data_files(base, root)
    files, skipped, damaged = [], [], []
    for path in paths:
        fmt = detect_format(path)
        reason = damaged_file(path, fmt) if fmt is not None else None
        if fmt is None:
            skipped.append(path)
        elif reason is not None:  # skipped as inference skips it (damaged_reason)
            skipped.append(path)
            damaged.append((str(path), reason))
        else:
            files.append(InputFile(path, fmt, path.stat().st_size))
    if not files:
        where = f"{base} (extract_paths: {', '.join(extract_paths)})" if extract_paths else base
        found = f"; {len(skipped)} other file(s) skipped" if skipped else ""
        raise NotFoundError(f"no parquet, CSV or JSON lines files under {where}{found}")
    return Inputs(base, files, skipped, _hive_layout(base, files), damaged)


def _extracted(base: Path, extract_paths: list[str], root: Path | None) -> list[Path]:
    if not base.is_dir():
        raise MasonUsageError(f"extract_paths needs input_path to be a folder; {base} is a file")
    chosen: dict[Path, None] = {}
    for pattern in extract_paths:
        relative = pattern.strip().lstrip("/")
        if _GLOB_CHARS & set(relative):
            matches = [Path(m) for m in sorted(glob.glob(str(base / relative), recursive=True))]
        else:
            matches = [base / relative] if (base / relative).exists() else []
        matches = [m.resolve() for m in matches if is_data_name(m.name)]
        for match in matches:
            if match != base and base not in match.parents:
                raise MasonUsageError(f"extract path '{pattern}' leaves input_path {base}")
        if not matches:
            raise NotFoundError(f"extract path '{pattern}' matches nothing under {base}")
        for match in matches:
            chosen.update(dict.fromkeys(data_files(match, root)))
    return sorted(chosen)


def _hive_layout(base: Path, files: list[InputFile]) -> bool:
    if not base.is_dir():
        return False
    layouts = set()
    for f in files:
        pairs = partition_values(f.path.parent.relative_to(base).parts)
        if not pairs:
            return False
        layouts.add(tuple(key for key, _ in pairs))
    return len(layouts) == 1


def groups(
    files: list[InputFile], max_bytes: int | None = None, max_files: int | None = None
) -> list[list[InputFile]]:
    """Consecutive files in groups of at most ``max_files`` and about ``max_bytes``
    (default :data:`GROUP_FILES` and :data:`GROUP_BYTES`)."""
    max_bytes = GROUP_BYTES if max_bytes is None else max_bytes
    max_files = GROUP_FILES if max_files is None else max_files
    out: list[list[InputFile]] = []
    current: list[InputFile] = []
    size = 0
    for f in files:
        if current and (size + f.size > max_bytes or len(current) >= max_files):
            out.append(current)
            current, size = [], 0
        current.append(f)
        size += f.size
    if current:
        out.append(current)
    return out


def read_sql(files: list[InputFile], parse_headers: bool, hive: bool) -> str:
    """A query reading ``files``: one reader per format, stacked by column name."""
    hive_option = f"hive_partitioning = {'true' if hive else 'false'}"
    parts = []
    for fmt in ("parquet", "csv", "jsonl"):
        paths = literal_list(str(f.path) for f in files if f.format == fmt)
        if paths == "[]":
            continue
        if fmt == "parquet":
            call = f"read_parquet({paths}, union_by_name = true, {hive_option})"
        elif fmt == "csv":
            header = "true" if parse_headers else "false"
            call = f"read_csv({paths}, header = {header}, union_by_name = true, {hive_option})"
        else:
            call = f"read_json({paths}, format = 'auto', union_by_name = true, {hive_option})"
        parts.append(f"SELECT * FROM {call}")
    return " UNION ALL BY NAME ".join(parts)


def describe(con: duckdb.DuckDBPyConnection, query: str, what: str) -> list[tuple[str, str]]:
    """``(name, DuckDB type)`` of each column ``query`` returns."""
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE {query}").fetchall()
    except duckdb.Error as exc:
        raise query_error(exc, f"cannot read {what}") from exc
    return [(str(r[0]), str(r[1])) for r in rows]


def grouped_schema(
    con: duckdb.DuckDBPyConnection, batches: list[list[InputFile]], parse_headers: bool, hive: bool
) -> tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]:
    """The schema of all ``batches`` together, and each batch's own, read one
    batch at a time: DuckDB never holds the state of every input file at once.
    Batches are unified as ``UNION ALL BY NAME`` unifies them (first-seen
    column order; an integer and a double give a double, anything and text
    give text)."""
    each = [
        describe(con, read_sql(b, parse_headers, hive), f"{len(b)} input files") for b in batches
    ]
    schema = each[0]
    for present in each[1:]:
        if present != schema:
            schema = describe(
                con,
                f"{_typed_nulls(schema)} UNION ALL BY NAME {_typed_nulls(present)}",
                "the input files' columns",
            )
    return schema, each


def _typed_nulls(schema: list[tuple[str, str]]) -> str:
    return "SELECT " + ", ".join(f"CAST(NULL AS {kind}) AS {ident(name)}" for name, kind in schema)


def conform_sql(query: str, present: list[tuple[str, str]], schema: list[tuple[str, str]]) -> str:
    """``query`` with exactly ``schema``'s columns, in order and of its types;
    columns ``query`` lacks are null."""
    have = {name: kind for name, kind in present}
    items = []
    for name, kind in schema:
        if have.get(name) == kind:
            items.append(ident(name))
        else:
            value = ident(name) if name in have else "NULL"
            items.append(f"CAST({value} AS {kind}) AS {ident(name)}")
    return f"SELECT {', '.join(items)} FROM ({query})"
