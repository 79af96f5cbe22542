"""CSV schemas from a bounded sample: the delimiter, whether the first row is
a header, and column types as pyarrow reads them from the sample."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mason_local.inference.formats import FileSchema, format_from_name, read_sample

if TYPE_CHECKING:
    import pyarrow as pa

_DELIMITERS = (",", "\t", ";", "|")
_SNIFF_LINES = 20
_SNIFF_CHARS = 1 << 16
_NAME_LIKE = re.compile(r"^[A-Za-z_][\w .\-/()#%$&]*$")


def read_csv_sample(path: Path, size_bytes: int, sample_bytes: int) -> FileSchema:
    """Delimiter, header and column types read from the first ``sample_bytes``."""
    sample = read_sample(path, sample_bytes)
    if not sample.strip():
        raise ValueError("file is empty")
    head = sample[:_SNIFF_CHARS].decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(head, path)
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
    columns = list(zip(names, types, strict=True))
    return FileSchema(path, "csv", columns, size_bytes, properties=properties)


def sniff_delimiter(head: str, path: Path) -> str:
    """The candidate that splits the first lines into the same number (>1) of
    fields most consistently; tab for ``.tsv``; comma when nothing fits."""
    if format_from_name(path) == "csv" and ".tsv" in path.name.lower():
        return "\t"
    lines = head.splitlines()[:_SNIFF_LINES]
    if len(lines) > 1 and not head.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the sample
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
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
