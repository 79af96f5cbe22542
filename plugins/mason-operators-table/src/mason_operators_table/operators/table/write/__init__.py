"""``table write``: one atomic commit of rows into a table-format table.

Rows come from files (``input_path``) or from a query over the database
(``query_string``): the query's result is written by the execution engine to
a staging file beside the table, committed, and the staging file removed.
"""

from __future__ import annotations

import uuid
from typing import Any

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import (
    commit_write,
    database_tables,
    format_table,
    qualified_name,
    readable_tables,
)
from mason_operators_table.columns import require_columns
from mason_operators_table.jobs import job_outcome


class TableWrite(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.CommitResult:
        p = ctx.params
        table = format_table(ctx, "table write")
        mode = p["mode"]
        keys: list[str] = p.get("keys") or []
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
        return commit_write(ctx, table, models.TableWrite(**request))


def _from_query(
    ctx: OperatorContext, table: models.Table, request: dict[str, Any]
) -> models.CommitResult:
    if not table.location:
        raise MasonUsageError(f"table {qualified_name(table)} has no location to stage rows beside")
    database: str = ctx.params["database_name"]
    staging = f"{table.location.rstrip('/')}-staging-{uuid.uuid4().hex}.parquet"
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
        job_outcome(ctx, ctx.execution.run_job(job))
        return commit_write(ctx, table, models.TableWrite(**request, source_paths=[staging]))
    finally:
        if ctx.storage.exists(staging):
            ctx.storage.delete(staging)
