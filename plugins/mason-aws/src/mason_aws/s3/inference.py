"""Inferring a table from the objects under an S3 prefix.

One listing (paged) gives the objects; their schemas are read here (footers
of parquet, samples of CSV and JSON lines), and the table is assembled by
:mod:`mason.sdk.tabular` exactly as for local files: the most common
format and ``key=value`` layout make the table, other objects are skipped and
reported, and columns whose types differ are widened or reported as conflicts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mason.sdk.errors import NotFoundError
from mason.sdk.models import InferredTable
from mason.sdk.tabular import DataFile, FileSchema, format_from_name, infer_table, sample_schema
from mason_aws.s3.listing import S3Object, data_objects
from mason_aws.s3.paths import S3Location
from mason_aws.s3.readers import read_parquet_schema, read_sample

if TYPE_CHECKING:
    from mason_aws.s3.storage import S3Storage


def infer_s3(
    storage: S3Storage, loc: S3Location, database_name: str, table_name: str | None
) -> InferredTable:
    client = storage.client_name
    found = data_objects(storage.s3, client, loc)
    if not found:
        if not storage.exists(loc.uri):
            storage.missing(loc)
        raise NotFoundError(f"{client}: no data objects under {loc.uri}")
    single = len(found) == 1 and found[0].key == loc.key
    base = loc.key.rpartition("/")[0] + "/" if single else loc.prefix
    listed = [_data_file(loc.bucket, base, obj) for obj in found]
    sample = storage.config.sample_bytes

    def read(file: DataFile) -> FileSchema:
        key = file.location[len(f"s3://{loc.bucket}/") :]
        size = file.size_bytes or 0
        if file.format == "parquet":
            return read_parquet_schema(storage.aws, loc.bucket, key, size)
        data = read_sample(storage.aws, loc.bucket, key, size, sample)
        return sample_schema(file.format or "", file.location, data, size)

    return infer_table(
        listed,
        read,
        database=database_name,
        name=table_name or _default_name(loc, single),
        location=loc.uri if single else f"s3://{loc.bucket}/{loc.prefix}",
        workers=storage.config.infer_workers,
        progress=storage.context.progress,
    )


def _data_file(bucket: str, base: str, obj: S3Object) -> DataFile:
    folder = obj.key[len(base) :].rpartition("/")[0]
    return DataFile(
        location=f"s3://{bucket}/{obj.key}",
        folder=tuple(folder.split("/")) if folder else (),
        folder_location=f"s3://{bucket}/{base}{folder}/" if folder else f"s3://{bucket}/{base}",
        format=format_from_name(obj.key),
        size_bytes=obj.size,
    )


def _default_name(loc: S3Location, single: bool) -> str:
    last = loc.key.rstrip("/").rpartition("/")[2] or loc.bucket
    stem = last.split(".", 1)[0] if single else last
    return re.sub(r"\W+", "_", stem).strip("_") or "table"
