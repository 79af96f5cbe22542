"""The rows a write into a Glue Iceberg table commits: data files on S3
(``s3://bucket/key`` or a prefix) read through this client's filesystem, or
local files, by pyarrow; parquet, CSV with a header and JSON lines, told
apart by their names' endings; columns united by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.errors import MasonUsageError, NotFoundError
from mason_aws.session import AwsSession

if TYPE_CHECKING:
    import pyarrow as pa

_FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json"}


def read_sources(aws: AwsSession, paths: list[str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.dataset as ds
    from pyarrow.fs import FileSelector, FileType, LocalFileSystem

    if not paths:
        raise MasonUsageError("no source files to write")
    parts = []
    for path in paths:
        if path.startswith("s3://"):
            filesystem, base = aws.arrow_s3(), path[len("s3://") :].rstrip("/")
        elif "://" in path:
            raise MasonUsageError(
                f"cannot read {path}: the glue client reads s3:// and local files"
            )
        else:
            filesystem, base = LocalFileSystem(), path
        info = filesystem.get_file_info(base)
        if info.type == FileType.Directory:
            found = filesystem.get_file_info(FileSelector(base, recursive=True))
            files = [f.path for f in found if f.type == FileType.File]
        elif info.type == FileType.File:
            files = [base]
        else:
            raise NotFoundError(f"no file or folder {path} to write from")
        by_format: dict[str, list[str]] = {}
        for name in files:
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix in _FORMATS:
                by_format.setdefault(_FORMATS[suffix], []).append(name)
        if not by_format:
            raise NotFoundError(f"no parquet, CSV or JSON lines files at {path}")
        for fmt, names in sorted(by_format.items()):
            parts.append(ds.dataset(names, filesystem=filesystem, format=fmt).to_table())
    return pa.concat_tables(parts, promote_options="default")
