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


#: the bytes of a parquet file's end that say whether it is one: the footer's
#: length (4 bytes, little-endian) and the magic.
PARQUET_TAIL_CHECK = 8


def damaged_reason(fmt: str | None, size: int, tail: bytes = b"") -> str | None:
    """Why a file of table format ``fmt`` cannot be read as one, or ``None``:
    it is empty, or a parquet file whose last :data:`PARQUET_TAIL_CHECK` bytes
    (``tail``) are not a PAR1 footer that fits in it. Inference skips such a
    file (before parsing the footer), and so does ``merge``, which lists its
    input as inference does; readers of a table leave out what the table's
    inference skipped (:func:`mason_core.tabular.infer.skipped_files`)."""
    if size <= 0:
        return "empty file"
    if fmt != "parquet":
        return None
    if size < 12 or len(tail) < PARQUET_TAIL_CHECK or tail[-4:] != PARQUET_MAGIC:
        return "not a parquet file (no PAR1 footer)"
    if int.from_bytes(tail[-8:-4], "little") + 12 > size:
        return "not a parquet file (its footer is longer than the file)"
    return None


def skipped_warning(what: str, skipped: list[tuple[str, str]]) -> str:
    """One warning line for the damaged files a reader of ``what`` skipped."""
    shown = ", ".join(f"{location} ({reason})" for location, reason in skipped[:5])
    more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    return f"{what}: skipped {len(skipped)} damaged file(s): {shown}{more}"
