"""Reading one object's schema with as few bytes as possible.

Parquet: one suffix-range GET of the object's tail holds the footer, which
arrow parses; data pages are never read. CSV and JSON lines: one ranged
GET of the first ``sample_bytes`` through s3fs (a compressed object is read
as a decompressed stream), cut at the last full line. What the bytes mean is
decided by :mod:`mason.sdk.tabular`, as for local files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.tabular import FileSchema, cut_at_last_line, is_compressed, tail_footer_schema

if TYPE_CHECKING:
    import s3fs


def read_parquet_schema(s3: Any, bucket: str, key: str, size: int) -> FileSchema:
    """The footer, fetched with one suffix-range GET (a second only when the
    footer is larger than the first read)."""

    def tail(n: int) -> bytes:
        data: bytes = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{n}")["Body"].read()
        return data

    return tail_footer_schema(f"s3://{bucket}/{key}", size, tail)


def read_sample(fs: s3fs.S3FileSystem, path: str, size: int, limit: int) -> bytes:
    """The object's first ``limit`` bytes of text, ending on a complete line."""
    if is_compressed(path):
        with fs.open(path, "rb", compression="infer") as stream:
            data: bytes = stream.read(limit)
            return cut_at_last_line(data, bool(stream.read(1)))
    data = fs.cat_file(path, start=0, end=min(size, limit))
    return cut_at_last_line(data, size > limit)
