"""Which table format a file holds, by its name or its first bytes.

Shared so every client recognises the same extensions (``.tsv``, compressed
``.csv.gz``...) and a table found by one is found by all.
"""

from __future__ import annotations

import os

#: table formats in order of preference when files of several are equally many.
TABLE_FORMATS = ("parquet", "csv", "jsonl")

#: file name endings -> table format.
EXTENSIONS = {
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
#: compression endings that may follow a text format's extension.
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zst", ".lz4")
PARQUET_MAGIC = b"PAR1"


def base_name(name: str) -> str:
    """The last segment of a path or key, lower-cased, without a compression suffix."""
    name = name.replace("\\", "/").rpartition("/")[2].lower()
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_compressed(name: str) -> bool:
    return name.lower().endswith(COMPRESSION_SUFFIXES)


def format_from_name(name: str) -> str | None:
    """The format a file name or key announces, or ``None``."""
    return EXTENSIONS.get(os.path.splitext(base_name(name))[1])


def is_tab_separated(name: str) -> bool:
    return base_name(name).endswith(".tsv")


def format_from_head(head: bytes) -> str | None:
    """The format of a file without a known extension, from its first bytes:
    parquet's magic, a leading ``{`` for JSON lines, printable text for CSV."""
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
