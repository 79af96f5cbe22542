"""Which format a file holds, and a bounded sample of its text."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TABLE_FORMATS = ("parquet", "csv", "jsonl")

_EXTENSIONS = {
    ".parquet": "parquet",
    ".parq": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zst", ".lz4")
PARQUET_MAGIC = b"PAR1"


@dataclass
class FileSchema:
    """What one file says about itself."""

    path: Path
    format: str
    #: (name, arrow type name) in file order.
    columns: list[tuple[str, str]]
    size_bytes: int
    row_count: int | None = None
    #: reader options the format needs again (``header``, ``delimiter``).
    properties: dict[str, str] = field(default_factory=dict)


def format_from_name(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in _COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _EXTENSIONS.get(os.path.splitext(name)[1])


def detect_format(path: Path) -> str | None:
    """The format by extension, else by content: parquet's magic, a leading
    ``{`` for JSON lines, printable text for CSV; ``None`` for anything else."""
    by_name = format_from_name(path)
    if by_name is not None:
        return by_name
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = head.lstrip()
    if text.startswith(b"{"):
        return "jsonl"
    if text and _looks_like_text(head):
        return "csv"
    return None


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a sample may cut a multi-byte character at its end
        return exc.start >= len(data) - 3
    return True


def read_sample(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the file's (decompressed) text, cut after the
    last complete line when the file goes on beyond the sample."""
    import pyarrow as pa

    with pa.input_stream(str(path), compression="detect") as stream:
        data: bytes = stream.read(limit)
        more = bool(stream.read(1))
    if more:
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[: cut + 1]
    return data
