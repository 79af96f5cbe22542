"""Parquet schemas from footers alone: the data pages are never read."""

from __future__ import annotations

from pathlib import Path

from mason_local.inference.formats import FileSchema


def read_parquet_footer(path: Path, size_bytes: int) -> FileSchema:
    """Schema and row count from the file's footer metadata."""
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(str(path))
    schema = metadata.schema.to_arrow_schema()
    columns = [(f.name, str(f.type)) for f in schema]
    return FileSchema(path, "parquet", columns, size_bytes, row_count=metadata.num_rows)
