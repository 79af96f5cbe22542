"""Reading many files, of differing formats and columns, as one DataFrame.

Spark's CSV reader takes one header for all the files it reads, so files are
grouped by format and, for CSV, by header line; each group is read on its own
and the groups are aligned by column name onto one unified schema (numbers
widen, anything else mixed becomes a string). Hive-style ``key=value``
folders become columns when every file sits in the same layout.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mason.sdk.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import Table
from mason_spark.jobs.fs import FileInfo, HadoopFS
from mason_spark.typenames import wider_type

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_EXTENSIONS = {
    "parquet": "parquet",
    "parq": "parquet",
    "pq": "parquet",
    "csv": "csv",
    "tsv": "csv",
    "txt": "csv",
    "json": "jsonl",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
}
_COMPRESSED = ("gz", "bz2", "zst", "lz4", "snappy", "deflate")
_DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Input:
    """What was read: the rows, and which files went into them."""

    frame: DataFrame
    files: list[FileInfo]
    skipped: list[str] = field(default_factory=list)


def format_of(fs: HadoopFS, info: FileInfo) -> str | None:
    """The format by extension, else by the first line; ``None`` if unknown."""
    parts = info.relative.rsplit("/", 1)[-1].lower().split(".")
    if len(parts) > 1 and parts[-1] in _COMPRESSED:
        parts = parts[:-1]
    if len(parts) > 1 and parts[-1] in _EXTENSIONS:
        return _EXTENSIONS[parts[-1]]
    try:
        head = fs.first_line(info.path)
    except Exception:
        return None
    if head.startswith("PAR1"):
        return "parquet"
    if head.lstrip().startswith("{"):
        return "jsonl"
    return "csv" if head and "\x00" not in head else None


def hive_base(root: str, files: list[FileInfo]) -> str | None:
    """``root`` when every file sits under the same ``key=value`` folders."""
    layouts = set()
    for info in files:
        folders = info.relative.split("/")[:-1]
        if not folders or not all("=" in f and not f.startswith("=") for f in folders):
            return None
        layouts.add(tuple(f.split("=", 1)[0] for f in folders))
    return root if len(layouts) == 1 else None


def hive_keys(files: list[FileInfo]) -> list[str]:
    """The partition keys of a hive layout (see :func:`hive_base`), in folder order."""
    if not files or hive_base("", files) is None:
        return []
    return [f.split("=", 1)[0] for f in files[0].relative.split("/")[:-1]]


def sniff_delimiter(header: str, name: str) -> str:
    """The candidate splitting the header into most fields; tab for ``.tsv``."""
    if ".tsv" in name.lower():
        return "\t"
    best, fields = ",", 1
    for delimiter in _DELIMITERS:
        count = len(next(csv.reader([header], delimiter=delimiter), []))
        if count > fields:
            best, fields = delimiter, count
    return best


def read_files(
    spark: SparkSession,
    root: str,
    files: list[FileInfo],
    fmt: str,
    header: bool = True,
    delimiter: str | None = None,
    names: list[str] | None = None,
) -> list[DataFrame]:
    """One DataFrame per group of files Spark can read together; headerless CSV
    columns take ``names`` when they fit, else ``column0, column1...``."""
    fs = HadoopFS(spark)
    base = hive_base(fs.qualify(root).rstrip("/"), files)
    options = {"basePath": base} if base else {}
    if fmt == "parquet":
        return [spark.read.options(**options).option("mergeSchema", "true").parquet(*_paths(files))]
    if fmt == "jsonl":
        return [spark.read.options(**options).json(_paths(files))]
    groups: dict[tuple[str, str], list[FileInfo]] = {}
    for info in files:
        line = fs.first_line(info.path)
        if not line.strip():
            continue  # an empty file has no rows and no columns
        sep = delimiter or sniff_delimiter(line, info.relative)
        key = (line if header else str(len(line.split(sep))), sep)
        groups.setdefault(key, []).append(info)
    frames = []
    for (_, sep), members in groups.items():
        frame = (
            spark.read.options(**options)
            .option("header", str(header).lower())
            .option("sep", sep)
            .option("inferSchema", "true")
            .csv(_paths(members))
        )
        if not header:
            frame = _name_headerless(frame, names)
        frames.append(frame)
    return frames


def _name_headerless(frame: DataFrame, names: list[str] | None) -> DataFrame:
    positional = [c for c in frame.columns if c.startswith("_c") and c[2:].isdigit()]
    if names and len(names) >= len(positional):
        renamed = dict(zip(positional, names, strict=False))
    else:  # DuckDB's names for headerless columns, so both engines agree
        renamed = {c: f"column{c[2:]}" for c in positional}
    return frame.withColumnsRenamed(renamed)


def _paths(files: list[FileInfo]) -> list[str]:
    return [f.path for f in files]


def unify(frames: list[DataFrame]) -> DataFrame:
    """The frames stacked by column name: columns in first-seen order, a column
    missing from a frame is null there, differing types widen."""
    from functools import reduce

    from pyspark.sql import functions as F

    names: list[str] = []
    types: dict[str, list[str]] = {}
    for frame in frames:
        for column in frame.schema.fields:
            if column.name not in types:
                names.append(column.name)
                types[column.name] = []
            types[column.name].append(column.dataType.simpleString())
    target = {name: wider_type(kinds) for name, kinds in types.items()}
    aligned = []
    for frame in frames:
        present = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
        aligned.append(
            frame.select(
                *[
                    (
                        F.col(f"`{name}`")
                        if present.get(name) == target[name]
                        else (F.col(f"`{name}`") if name in present else F.lit(None))
                        .cast(target[name])
                        .alias(name)
                    )
                    for name in names
                ]
            )
        )
    return reduce(lambda a, b: a.unionByName(b), aligned)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        else:
            char = pattern[i]
            out += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
            i += 1
    return re.compile(out + r"\Z")


def extracted(files: list[FileInfo], extract_paths: list[str]) -> list[FileInfo]:
    """The files under ``extract_paths``: sub-paths or globs below the input
    folder; a folder that matches brings every file below it."""
    chosen: dict[str, FileInfo] = {}
    for pattern in extract_paths:
        relative = pattern.strip().strip("/")
        if ".." in relative.split("/"):
            raise MasonUsageError(f"extract path '{pattern}' leaves input_path")
        if set("*?[") & set(relative):
            regex = _glob_regex(relative)
            matches = [
                f
                for f in files
                if any(
                    regex.match("/".join(f.relative.split("/")[:depth]))
                    for depth in range(1, f.relative.count("/") + 2)
                )
            ]
        else:
            matches = [
                f for f in files if f.relative == relative or f.relative.startswith(relative + "/")
            ]
        if not matches:
            raise NotFoundError(f"extract path '{pattern}' matches nothing under input_path")
        chosen.update((f.path, f) for f in matches)
    return sorted(chosen.values(), key=lambda f: f.path)


def read_path(
    spark: SparkSession,
    path: str,
    parse_headers: bool = True,
    extract_paths: list[str] | None = None,
) -> Input:
    """Every data file under ``path`` (or under its ``extract_paths``) as one
    DataFrame with the unified schema."""
    fs = HadoopFS(spark)
    files = fs.list_files(path)
    if not files:
        raise NotFoundError(f"no data files under {path}")
    if extract_paths:
        if not fs.is_dir(path):
            raise MasonUsageError(f"extract_paths needs input_path to be a folder; {path} is not")
        files = extracted(files, list(extract_paths))
    by_format: dict[str, list[FileInfo]] = {}
    skipped = []
    for info in files:
        fmt = format_of(fs, info)
        if fmt is None:
            skipped.append(info.path)
        else:
            by_format.setdefault(fmt, []).append(info)
    # one frame per format, partition keys last in each, stacked parquet, CSV,
    # JSON lines: the column order DuckDB's readers give, so both engines agree
    frames = []
    for fmt in ("parquet", "csv", "jsonl"):
        members = by_format.get(fmt, [])
        parts = read_files(spark, path, members, fmt, header=parse_headers) if members else []
        if parts:
            frames.append(_keys_last(unify(parts), hive_keys(members)))
    if not frames:
        raise MasonRuntimeError(f"no readable rows under {path}")
    used = [f for members in by_format.values() for f in members]
    frame = unify(frames)
    return Input(frame, used, skipped)


def _keys_last(frame: DataFrame, keys: list[str]) -> DataFrame:
    keys = [k for k in keys if k in frame.columns]
    if not keys:
        return frame
    return frame.select(*[f"`{c}`" for c in frame.columns if c not in keys], *keys)


def read_table(spark: SparkSession, table: Table) -> DataFrame:
    """A catalog table's rows: its files, read with the options the catalog kept,
    columns in catalog order (data columns, then partition keys)."""
    if not table.location:
        raise MasonRuntimeError(f"table '{table.name}' has no location to read")
    fs = HadoopFS(spark)
    files = fs.list_files(table.location)
    if not files:
        raise NotFoundError(f"no data files under {table.location} (table '{table.name}')")
    fmt = table.format or "parquet"
    fmt = "jsonl" if fmt in ("json", "jsonl", "ndjson") else fmt
    kept = [f for f in files if format_of(fs, f) == fmt]
    header = table.properties.get("header", "true").lower() != "false"
    delimiter = table.properties.get("delimiter") or None
    names = [c.name for c in table.table_schema.columns]
    frames = read_files(spark, table.location, kept or files, fmt, header, delimiter, names)
    if not frames:
        raise MasonRuntimeError(f"table '{table.name}' has no rows to read")
    frame = unify(frames)
    order = [c.name for c in table.table_schema.columns] + [c.name for c in table.partition_keys]
    known = [name for name in order if name in frame.columns]
    rest = [name for name in frame.columns if name not in known]
    return frame.select(*[f"`{name}`" for name in known + rest])
