"""Reading one object's schema with as few bytes as possible.

Parquet: one suffix-range GET of the object's tail holds the footer, which
arrow parses; data pages are never read. CSV and JSON lines: one ranged
GET of the first ``sample_bytes`` through s3fs, cut at the last full line.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow
    import s3fs

#: file name endings -> table format (the spellings every Mason client uses).
EXTENSIONS = {
    ".parquet": "parquet",
    ".parq": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
FORMATS = ("parquet", "csv", "jsonl")


@dataclass
class ObjectSchema:
    key: str
    schema: pyarrow.Schema
    rows: int | None = None
    properties: dict[str, str] = field(default_factory=dict)


def format_of(key: str) -> str | None:
    name = key.rpartition("/")[2].lower()
    for ending, fmt in EXTENSIONS.items():
        if name.endswith(ending):
            return fmt
    return None


def read_parquet_schema(s3: Any, bucket: str, key: str, tail: int = 64 * 1024) -> ObjectSchema:
    """The footer, fetched with one suffix-range GET (a second only when the
    footer is larger than ``tail``); arrow parses it from that buffer alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data: bytes = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{tail}")["Body"].read()
    if len(data) < 12 or data[-4:] != b"PAR1":
        raise ValueError("not a parquet file (no PAR1 footer)")
    needed = int.from_bytes(data[-8:-4], "little") + 8
    if needed > len(data):
        data = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{needed}")["Body"].read()
    meta = pq.ParquetFile(pa.BufferReader(b"PAR1" + data)).metadata
    return ObjectSchema(f"{bucket}/{key}", meta.schema.to_arrow_schema(), rows=meta.num_rows)


def read_sample(fs: s3fs.S3FileSystem, path: str, size: int, limit: int) -> bytes:
    """The object's first ``limit`` bytes, ending on a complete line."""
    data: bytes = fs.cat_file(path, start=0, end=min(size, limit))
    if size > limit:
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut > 0 else data
    return data


def csv_schema(path: str, sample: bytes) -> ObjectSchema:
    """Column types from a CSV sample; the header is the first row, the delimiter
    whichever of ``,;|\\t`` splits the first line most."""
    import pyarrow.csv as pacsv

    first = sample.split(b"\n", 1)[0].decode("utf-8", "replace")
    delimiter = max(",;|\t", key=first.count)
    table = pacsv.read_csv(
        io.BytesIO(sample), parse_options=pacsv.ParseOptions(delimiter=delimiter)
    )
    return ObjectSchema(path, table.schema, properties={"header": "true", "delimiter": delimiter})


def jsonl_schema(path: str, sample: bytes) -> ObjectSchema:
    import pyarrow.json as pajson

    table = pajson.read_json(io.BytesIO(sample))
    return ObjectSchema(path, table.schema)
