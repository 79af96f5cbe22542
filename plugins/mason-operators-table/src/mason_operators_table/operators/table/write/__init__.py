"""``table write``: one atomic commit of rows into a table-format table.

Rows come from files (``input_path``) or from a query over the database
(``query_string``): the query's result is written by the execution engine to
a staging file beside the table, committed, and the staging file removed.
With ``create``, a missing table is first created (Iceberg) with the
columns of the source: the query's result, or what the files infer to.
"""

from __future__ import annotations

import uuid
from typing import Any

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import (
    check_table_format,
    commit_write,
    database_tables,
    describe_table,
    format_table,
    is_registered,
    qualified_name,
    readable_tables,
)
from mason_operators_table.columns import require_columns
from mason_operators_table.jobs import job_outcome


class TableWrite(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.CommitResult:
        p = ctx.params
        mode = p["mode"]
        creating = p["create"] and not is_registered(ctx, p["database_name"], p["table_name"])
        if creating and mode not in ("append", "overwrite"):
            raise MasonUsageError(f"create makes a new table: mode {mode} needs an existing one")
        table = None if creating else format_table(ctx, "table write")
        keys: list[str] = p.get("keys") or []
        if table is not None:
            require_columns(table, keys, "keys")
        sources = [p.get("input_path"), p.get("query_string")]
        given = [s for s in sources if s]
        if mode == "delete" and given:
            raise MasonUsageError(
                "mode delete reads no rows: give a filter, not input_path or query_string"
            )
        if mode != "delete" and len(given) != 1:
            raise MasonUsageError(f"mode {mode} needs exactly one of input_path and query_string")
        request: dict[str, Any] = {"mode": mode, "keys": keys, "filter": p.get("filter")}
        if p.get("query_string"):
            return _from_query(ctx, table, request)
        if p.get("input_path"):
            request["source_paths"] = [p["input_path"]]
        if table is None:
            inferred = ctx.storage.infer_table(p["input_path"], p["database_name"], p["table_name"])
            table = _create(ctx, inferred.table.table_schema.columns, inferred.table.partition_keys)
        return commit_write(ctx, table, models.TableWrite(**request))


def _create(
    ctx: OperatorContext, columns: list[models.Column], partition_keys: list[models.Column]
) -> models.Table:
    """A new Iceberg table of the parameters' name with ``columns``."""
    check_table_format(ctx, "iceberg", "table write")
    database: str = ctx.params["database_name"]
    ctx.metastore.create_database(database, exist_ok=True)
    created = ctx.metastore.create_table(
        models.Table(
            name=ctx.params["table_name"],
            database=database,
            format="iceberg",
            table_schema=models.Schema(columns=columns),
            partition_keys=partition_keys,
        )
    )
    ctx.info(f"Created iceberg table {describe_table(created)}")
    return created


def _from_query(
    ctx: OperatorContext, table: models.Table | None, request: dict[str, Any]
) -> models.CommitResult:
    database: str = ctx.params["database_name"]
    if table is None:
        beside = ctx.storage.table_path(database, ctx.params["table_name"]).uri
    elif table.location:
        beside = table.location
    else:
        raise MasonUsageError(f"table {qualified_name(table)} has no location to stage rows beside")
    staging = f"{beside.rstrip('/')}-staging-{uuid.uuid4().hex}.parquet"
    job = models.QueryJob(
        query_string=ctx.params["query_string"],
        database_name=database,
        tables=readable_tables(
            ctx, database_tables(ctx, database), ctx.params["query_string"], "table write"
        ),
        output_path=staging,
        output_format="parquet",
    )
    try:
        done = job_outcome(ctx, ctx.execution.run_job(job))
        if table is None:
            table = _create(ctx, done.columns, [])
        return commit_write(ctx, table, models.TableWrite(**request, source_paths=[staging]))
    finally:
        if ctx.storage.exists(staging):
            ctx.storage.delete(staging)
