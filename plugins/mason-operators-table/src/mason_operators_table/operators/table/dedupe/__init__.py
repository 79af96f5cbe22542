"""``table dedupe``: a table without duplicates, written to a new location;
the job's ``rows_removed`` metric says how many rows went."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import files_only
from mason_operators_table.columns import require_columns
from mason_operators_table.jobs import job_outcome


class TableDedupe(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        p = ctx.params
        table = ctx.metastore.get_table(p["database_name"], p["table_name"])
        files_only(table, "table dedupe", ctx.metastore.client_name)
        keys: list[str] = p["keys"] or []
        require_columns(table, keys, "keys")
        job = models.DedupeJob(
            table=table,
            output_path=p["output_path"],
            keys=keys,
            format=p["format"],
            overwrite=p["overwrite"],
        )
        done = job_outcome(ctx, ctx.execution.run_job(job))
        removed = done.metrics.get("rows_removed")
        if removed is not None:
            by = f"by {', '.join(keys)}" if keys else "as whole rows"
            ctx.info(f"removed {removed} duplicate row{'s' if removed != 1 else ''} ({by})")
        return done
