"""``table query``: SQL over a database's tables through the execution engine.

The job record is kept by the execution client whatever happens, so a failed
query's error names the job id for ``job get``.
"""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import database_tables
from mason_operators_table.jobs import job_outcome


class TableQuery(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        database_name: str = ctx.params["database_name"]
        job = models.QueryJob(
            query_string=ctx.params["query_string"],
            database_name=database_name,
            tables=database_tables(ctx, database_name),
            output_path=ctx.params.get("output_path"),
            output_format=ctx.params["output_format"],
            overwrite=ctx.params["overwrite"],
            as_of=ctx.params.get("as_of"),
        )
        return job_outcome(ctx, ctx.execution.run_job(job))
