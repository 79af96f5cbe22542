"""Local files for table inference: their format (by name, else by content)
and their schema (a parquet footer, a bounded sample of text).

How files are read is all that is local here; what their bytes mean is
decided by :mod:`mason.sdk.tabular`, the same for every storage client.
"""

from __future__ import annotations

import os
from pathlib import Path

from mason.sdk.tabular import (
    DataFile,
    FileSchema,
    cut_at_last_line,
    format_from_head,
    format_from_name,
    sample_schema,
    tail_footer_schema,
)


def detect_format(path: str | Path) -> str | None:
    """The format by extension, else by content; ``None`` for anything else."""
    by_name = format_from_name(os.path.basename(path))
    if by_name is not None:
        return by_name
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    return format_from_head(head)


def read_sample(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the file's (decompressed) text, cut after the
    last complete line when the file goes on beyond the sample."""
    import pyarrow as pa

    with pa.input_stream(str(path), compression="detect") as stream:
        data: bytes = stream.read(limit)
        more = bool(stream.read(1))
    return cut_at_last_line(data, more)


def read_schema(file: DataFile, sample_bytes: int) -> FileSchema:
    """One file's schema: parquet from its footer alone, text from a sample."""
    if file.format == "parquet":
        return read_footer_schema(file.location)
    size = os.stat(file.location).st_size
    sample = read_sample(Path(file.location), sample_bytes)
    return sample_schema(file.format or "", file.location, sample, size)


def read_footer_schema(location: str) -> FileSchema:
    """The footer read with ``pread`` from one open descriptor: no arrow file
    object per file, which is most of the cost over thousands of small files."""
    fd = os.open(location, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size

        def tail(n: int) -> bytes:
            n = min(n, size)
            return os.pread(fd, n, size - n)

        return tail_footer_schema(location, size, tail)
    finally:
        os.close(fd)
