"""JSON lines schemas from a bounded sample of each file."""

from __future__ import annotations

import io
from pathlib import Path

from mason_local.inference.formats import FileSchema, read_sample


def read_jsonl_sample(path: Path, size_bytes: int, sample_bytes: int) -> FileSchema:
    """Column names and types of the objects in the first ``sample_bytes``."""
    import pyarrow.json as pj

    sample = read_sample(path, sample_bytes)
    if not sample.strip():
        raise ValueError("file is empty")
    table = pj.read_json(io.BytesIO(sample))
    columns = [(f.name, str(f.type)) for f in table.schema]
    return FileSchema(path, "jsonl", columns, size_bytes)
