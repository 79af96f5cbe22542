"""Delta Lake tables others registered in the Glue Data Catalog.

Spark (Glue jobs, EMR, Databricks with Glue as its metastore) registers a
Delta table with ``spark.sql.sources.provider=delta``, often with a placeholder
column (``col array<string>``) and its folder in ``SerdeInfo.Parameters.path``
(``StorageDescriptor.Location`` may then be a ``-__PLACEHOLDER__`` path); a
Glue crawler marks one ``classification=delta`` (older crawlers point the
location at the ``_symlink_format_manifest`` folder); Athena's and the
crawler's native Delta tables carry ``table_type=DELTA``. Whatever the shape,
the table is what its ``_delta_log`` says: it is described from the log
(:func:`mason.sdk.delta.describe`, through delta-rs with this client's
``object_store`` options), never from Glue's columns, and never read as the
parquet files under its folder (which still hold rows the table removed).

Mason reads these tables (get, list, history, query with the local execution
client); it writes Delta tables on S3 through the s3 metastore, not Glue.
"""

from __future__ import annotations

from typing import Any

from mason.sdk.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import Schema, Snapshot, Table
from mason_aws.glue.tables import from_glue
from mason_aws.session import AwsSession

_PLACEHOLDER = "__PLACEHOLDER__"
_MANIFEST = "_symlink_format_manifest"
_SCHEMES = ("s3a://", "s3n://")


def is_delta(answer: dict[str, Any]) -> bool:
    """Whether a ``GetTable`` answer is a Delta table, as Spark, Glue crawlers
    and Athena mark one."""
    parameters = {
        str(k).lower(): str(v).lower() for k, v in (answer.get("Parameters") or {}).items()
    }
    return "delta" in (
        parameters.get("spark.sql.sources.provider"),
        parameters.get("table_type"),
        parameters.get("classification"),
    )


def delta_location(answer: dict[str, Any]) -> str | None:
    """The table's folder: Spark's ``path`` SerDe parameter first (its
    StorageDescriptor location may be a placeholder), else the location; an
    ``s3a://``/``s3n://`` URI as ``s3://``, a crawler's manifest folder as the
    table folder above it."""
    descriptor = answer.get("StorageDescriptor") or {}
    serde = (descriptor.get("SerdeInfo") or {}).get("Parameters") or {}
    for candidate in (serde.get("path"), descriptor.get("Location")):
        text = str(candidate or "").strip()
        if not text or _PLACEHOLDER in text:
            continue
        for scheme in _SCHEMES:
            if text.startswith(scheme):
                text = "s3://" + text[len(scheme) :]
        folder = text.rstrip("/")
        if folder.endswith("/" + _MANIFEST):
            folder = folder[: -len(_MANIFEST) - 1]
        return folder + "/"
    return None


def entry(database: str, answer: dict[str, Any]) -> Table:
    """The Glue entry of a Delta table, before its log is read: name, folder,
    who registered it; Glue's columns (a placeholder, or a copy that may be
    stale) are dropped. Its folder must be on S3."""
    name = f"{database}.{answer['Name']}"
    location = delta_location(answer)
    if location is None:
        raise NotFoundError(f"Delta table {name} has no location in Glue")
    if not location.startswith("s3://"):
        raise MasonUsageError(
            f"Delta table {name} is registered in Glue at {location}: only s3:// folders are read"
        )
    registered = from_glue(database, answer)
    return registered.model_copy(
        update={
            "format": "delta",
            "location": location,
            "table_schema": Schema(columns=[], schema_type="delta"),
            "partition_keys": [],
            "partitions": None,
        }
    )


def describe(database: str, answer: dict[str, Any], aws: AwsSession) -> Table:
    """A Glue ``GetTable`` answer of a Delta table as Mason's table, read from
    its ``_delta_log`` with this client's settings. A folder without a log is
    refused: its parquet files are not the table."""
    from mason.sdk.delta import describe as describe_log

    registered = entry(database, answer)
    try:
        return describe_log(registered, aws.object_store_options())
    except NotFoundError:
        raise NotFoundError(
            f"Delta table {database}.{answer['Name']} is registered in Glue at "
            f"{registered.location}, which holds no _delta_log (its files are not read as "
            "plain parquet)"
        ) from None


def history(database: str, answer: dict[str, Any], aws: AwsSession) -> list[Snapshot]:
    """Every version a Glue Delta table's log records, oldest first."""
    from deltalake.exceptions import DeltaError

    from mason.sdk.delta import first_line, open_table, snapshots

    name = f"{database}.{answer['Name']}"
    location = entry(database, answer).location or ""
    table = open_table(location, name, storage_options=aws.object_store_options())
    try:  # the log is read here: a store that fails answers in one line
        return snapshots(table)
    except (OSError, DeltaError) as exc:
        raise MasonRuntimeError(f"Delta table {name} cannot be read: {first_line(exc)}") from None


def refuse(database: str, name: str, verb: str) -> MasonUsageError:
    """The one-line refusal of a verb Mason does not serve on a Glue Delta table."""
    return MasonUsageError(
        f"cannot {verb} Delta table {database}.{name} through Glue: Mason reads Glue's Delta "
        "tables (table get, list, history, query) and writes Delta tables on S3 through the "
        "s3 metastore (metastore_engine: s3, database: the bucket)"
    )
