"""``table format``: a registered table rewritten in another format or layout."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import files_only
from mason_operators_table.columns import require_columns
from mason_operators_table.jobs import job_outcome


class TableFormat(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        p = ctx.params
        table = ctx.metastore.get_table(p["database_name"], p["table_name"])
        files_only(table, "table format", ctx.metastore.client_name)
        partition_by: list[str] = p["partition_by"] or []
        require_columns(table, partition_by, "partition_by")
        job = models.FormatJob(
            table=table,
            output_path=p["output_path"],
            format=p["format"],
            partition_by=partition_by,
            overwrite=p["overwrite"],
        )
        return job_outcome(ctx, ctx.execution.run_job(job))
