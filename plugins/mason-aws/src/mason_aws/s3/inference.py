"""Inferring a table from the objects under an S3 prefix.

One listing (paged) gives the objects; their schemas are read here (footers
of parquet, samples of CSV and JSON lines), and the table is assembled by
:mod:`mason.sdk.tabular` exactly as for local files: the most common
format and ``key=value`` layout make the table, other objects are skipped and
reported, and columns whose types differ are widened or reported as conflicts.

A Delta table's folder is not a plain table: its parquet files include files
the table has removed (deleted, overwritten, compacted rows), which only its
``_delta_log/`` tells apart. A prefix that is, holds or lies inside a Delta
table is refused in one line (:func:`refuse_delta`) rather than read as files.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mason.sdk.delta import DELTA_LOG
from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import InferredTable
from mason.sdk.tabular import DataFile, FileSchema, format_from_name, infer_table, sample_schema
from mason_aws.s3.listing import S3Object, objects, only_data, under
from mason_aws.s3.paths import S3Location
from mason_aws.s3.readers import read_parquet_schema, read_sample

if TYPE_CHECKING:
    from mason_aws.s3.storage import S3Storage


def infer_s3(
    storage: S3Storage, loc: S3Location, database_name: str, table_name: str | None
) -> InferredTable:
    client = storage.client_name
    everything = objects(storage.s3, client, loc)
    refuse_delta(storage.s3, client, loc, everything)
    found = only_data(loc, everything)
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


def delta_root(s3: Any, client: str, loc: S3Location, listed: list[S3Object]) -> str | None:
    """The ``s3://`` root of a Delta table at, below or above ``loc``, or ``None``.

    At or below: a key of ``listed`` (the objects under ``loc``) with a
    ``_delta_log`` segment. Above: ``loc`` inside a table (a partition folder,
    one data file), found by one one-key listing per enclosing folder."""
    found = delta_root_listed(loc.bucket, listed)
    if found is not None:
        return found
    parts = loc.key.rstrip("/").split("/")[:-1] if loc.key else []
    for depth in range(len(parts), -1, -1):
        folder = "".join(p + "/" for p in parts[:depth])
        if under(s3, client, loc.child(f"{folder}{DELTA_LOG}/"), 1):
            return f"s3://{loc.bucket}/{folder}"
    return None


def delta_root_listed(bucket: str, listed: list[S3Object]) -> str | None:
    """The ``s3://`` root of a Delta table one of the ``listed`` keys belongs to
    (a key with a ``_delta_log`` segment), or ``None``."""
    for obj in listed:
        parts = obj.key.split("/")
        if DELTA_LOG in parts[:-1]:
            root = "/".join(parts[: parts.index(DELTA_LOG)])
            return f"s3://{bucket}/{root}/" if root else f"s3://{bucket}/"
    return None


def delta_refusal(client: str, uri: str, root: str) -> MasonUsageError:
    """The one line refusing to read the Delta table at ``root`` as plain files."""
    return MasonUsageError(
        f"{client}: {uri} is, holds or lies in the Delta table {root} (it has a "
        f"{DELTA_LOG}/); the s3 client does not serve Delta tables, and reading their "
        "parquet objects as plain files would include rows the table has removed"
    )


def refuse_delta(s3: Any, client: str, loc: S3Location, listed: list[S3Object]) -> None:
    """Refuse, in one line, to read a Delta table's objects as plain files."""
    root = delta_root(s3, client, loc, listed)
    if root is not None:
        raise delta_refusal(client, loc.uri, root)


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
