"""``table query``: SQL over a database's tables through the execution engine.

The job record is kept by the execution client whatever happens, so a failed
query's error names the job id for ``job get``.
"""

from __future__ import annotations

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import database_tables, readable_tables
from mason_operators_table.jobs import job_outcome


class TableQuery(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        database_name: str = ctx.params["database_name"]
        query: str = ctx.params["query_string"]
        tables = readable_tables(
            ctx, database_tables(ctx, database_name, query), query, "table query"
        )
        if ctx.params.get("as_of") and not getattr(type(ctx.execution), "TABLE_FORMATS", ()):
            raise MasonUsageError(
                f"operator 'table query': execution client '{ctx.execution.client_name}' reads "
                "no table format, so it cannot read as_of a snapshot"
            )
        job = models.QueryJob(
            query_string=query,
            database_name=database_name,
            tables=tables,
            output_path=ctx.params.get("output_path"),
            output_format=ctx.params["output_format"],
            overwrite=ctx.params["overwrite"],
            as_of=ctx.params.get("as_of"),
        )
        return job_outcome(ctx, ctx.execution.run_job(job))
