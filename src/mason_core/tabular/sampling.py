"""Schemas of CSV and JSON lines files from a bounded sample of their bytes,
and of parquet files from their footers.

Shared so a CSV on disk and the same CSV in S3 get the same delimiter, header
decision and column types: clients only fetch the bytes (a file read, a ranged
GET). pyarrow parses the samples; it is imported inside the functions.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mason_core.tabular.formats import PARQUET_MAGIC, damaged_reason, is_tab_separated
from mason_core.tabular.schema import FileSchema

if TYPE_CHECKING:
    import pyarrow as pa

DELIMITERS = (",", "\t", ";", "|")
_SNIFF_LINES = 20
_SNIFF_CHARS = 1 << 16
_NAME_LIKE = re.compile(r"^[A-Za-z_][\w .\-/()#%$&]*$")


def cut_at_last_line(data: bytes, more: bool) -> bytes:
    """``data`` without its last, partial line when the file goes on (``more``)."""
    if more:
        cut = data.rfind(b"\n")
        if cut > 0:
            return data[: cut + 1]
    return data


def sample_schema(fmt: str, location: str, sample: bytes, size_bytes: int) -> FileSchema:
    """The schema of a CSV or JSON lines file from its first bytes (cut at a line)."""
    if not sample.strip():
        raise ValueError("file is empty")
    if fmt == "csv":
        columns, properties = csv_columns(sample, is_tab_separated(location))
        return FileSchema(location, "csv", columns, size_bytes, properties=properties)
    if fmt == "jsonl":
        return FileSchema(location, "jsonl", jsonl_columns(sample), size_bytes)
    raise ValueError(f"no sampled schema for format '{fmt}'")


#: bytes fetched from a parquet file's end in one read: most footers fit.
FOOTER_TAIL_BYTES = 64 * 1024


def tail_footer_schema(
    location: str, size_bytes: int, read_tail: Callable[[int], bytes]
) -> FileSchema:
    """A parquet file's schema from its last bytes: ``read_tail(n)`` returns the
    file's final ``n`` bytes (a ``pread`` on disk, a suffix-range GET in S3). One
    read of :data:`FOOTER_TAIL_BYTES` covers most footers; a second, exact one
    fetches a larger footer. Data pages are never read, and arrow parses the
    footer from memory, with no file object or filesystem of its own."""
    import pyarrow as pa

    data = read_tail(min(size_bytes, FOOTER_TAIL_BYTES) if size_bytes else FOOTER_TAIL_BYTES)
    # the rule every reader applies (formats.damaged_reason); an unknown size
    # (0) is not held against the footer's length
    reason = damaged_reason("parquet", size_bytes or 1 << 62, data) if data else "empty file"
    if reason:
        raise ValueError(reason)
    needed = int.from_bytes(data[-8:-4], "little") + 8
    if needed > len(data):
        data = read_tail(needed)
    # the footer alone, behind the leading magic arrow checks for
    body = data if len(data) == size_bytes else PARQUET_MAGIC + data[-needed:]
    return footer_schema(location, _footer_metadata(pa.BufferReader(body)), size_bytes)


def _footer_metadata(buffer: pa.BufferReader) -> Any:
    """The ``FileMetaData`` in ``buffer``. ``pyarrow.parquet.read_metadata`` builds
    a whole ``ParquetFile`` (column paths, dataset hooks) around the same native
    reader, which over thousands of small files costs more than the parse; the
    native reader is used directly where this pyarrow has it, else the public call."""
    import pyarrow.parquet as pq

    try:
        from pyarrow._parquet import ParquetReader
    except ImportError:  # pragma: no cover - pyarrow without the private module
        return pq.read_metadata(buffer)
    reader = ParquetReader()
    try:
        reader.open(buffer)
    except TypeError:  # pragma: no cover - a signature this code does not know
        buffer.seek(0)
        return pq.read_metadata(buffer)
    return reader.metadata


#: per thread, the last parquet schema converted and its columns: the files of
#: one table mostly share a schema, and comparing it costs a fiftieth of converting.
_recent = threading.local()


def footer_schema(location: str, metadata: Any, size_bytes: int) -> FileSchema:
    """The schema and row count a parquet footer (``pyarrow.parquet.FileMetaData``) holds."""
    schema = metadata.schema
    # arrow's own schema in the key-value metadata can change the types
    # (time zones, durations, large strings), so it is part of the key
    key_values = metadata.metadata
    last = getattr(_recent, "entry", None)
    if last is not None and last[1] == key_values and last[0].equals(schema):
        columns: list[tuple[str, str]] = last[2]
    else:
        columns = [(f.name, str(f.type)) for f in schema.to_arrow_schema()]
        _recent.entry = (schema, key_values, columns)
    return FileSchema(location, "parquet", list(columns), size_bytes, row_count=metadata.num_rows)


def jsonl_columns(sample: bytes) -> list[tuple[str, str]]:
    """Column names and arrow types of the JSON objects in ``sample``."""
    import pyarrow.json as pj

    table = pj.read_json(io.BytesIO(sample))
    return [(f.name, str(f.type)) for f in table.schema]


def csv_columns(
    sample: bytes, tab_separated: bool = False
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Columns (name, arrow type) and reader properties (``header``,
    ``delimiter``) of a CSV sample: the delimiter sniffed, the header detected."""
    head = sample[:_SNIFF_CHARS].decode("utf-8", errors="replace")
    delimiter = "\t" if tab_separated else sniff_delimiter(head)
    first = next(csv.reader(io.StringIO(head), delimiter=delimiter), [])
    body = _parse(sample, delimiter, skip_rows=1)
    header = has_header(first, body)
    if header:
        names = column_names(first)
        if len(names) != body.num_columns and body.num_rows:
            raise ValueError(f"header has {len(names)} columns but rows have {body.num_columns}")
        types = [str(c.type) for c in body.columns] if body.num_rows else ["null"] * len(names)
    else:
        table = _parse(sample, delimiter, skip_rows=0)
        names = [f"col_{i}" for i in range(table.num_columns)]
        types = [str(c.type) for c in table.columns]
    properties = {"header": "true" if header else "false", "delimiter": delimiter}
    return list(zip(names, types, strict=True)), properties


def sniff_delimiter(head: str) -> str:
    """The candidate that splits the first lines into the same number (>1) of
    fields most consistently; comma when nothing fits."""
    lines = head.splitlines()[:_SNIFF_LINES]
    if len(lines) > 1 and not head.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the sample
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        fields = counts[0]
        if fields > best_fields and all(c == fields for c in counts):
            best, best_fields = delimiter, fields
    return best


def has_header(first: list[str], body: pa.Table) -> bool:
    """Whether ``first`` names the columns of ``body`` (the rows after it).

    Typed columns vote: a first-row value that does not parse as its column's
    type is a name. With no typed evidence, the first row is a header when
    every value looks like a distinct name that never recurs in its column.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if not first:
        return False
    null_values = set(pcsv.ConvertOptions().null_values)
    votes = 0
    if body.num_rows and body.num_columns == len(first):
        for value, column in zip(first, body.columns, strict=True):
            kind = column.type
            if pa.types.is_null(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind):
                continue
            votes += -1 if (value in null_values or _parses_as(value, kind)) else 1
    if votes:
        return votes > 0
    if len(set(first)) != len(first) or not all(_NAME_LIKE.match(v.strip()) for v in first):
        return False
    if body.num_columns != len(first):
        return not body.num_rows
    pairs = zip(first, body.columns, strict=True)
    return not any(value in set(column.to_pylist()) for value, column in pairs)


def column_names(first: list[str]) -> list[str]:
    """Header values as column names: blanks named by position, repeats numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(first):
        name = raw.strip() or f"col_{i}"
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _parses_as(value: str, kind: pa.DataType) -> bool:
    import pyarrow as pa

    try:
        pa.array([value.strip()]).cast(kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _parse(sample: bytes, delimiter: str, skip_rows: int) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    read = pcsv.ReadOptions(skip_rows=skip_rows, autogenerate_column_names=True)
    parse = pcsv.ParseOptions(delimiter=delimiter)
    try:
        return pcsv.read_csv(io.BytesIO(sample), read_options=read, parse_options=parse)
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return pa.table({})
        raise
