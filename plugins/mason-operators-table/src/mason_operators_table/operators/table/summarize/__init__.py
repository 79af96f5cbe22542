"""``table summarize``: statistics per column, computed by the execution engine.

Returns the :class:`~mason.models.TableSummary` itself, so the CLI prints its
columns as a table; the job record (``job get``) keeps it too.
"""

from __future__ import annotations

from mason import MasonRuntimeError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import files_only, qualified_name
from mason_operators_table.jobs import job_outcome


class TableSummarize(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.TableSummary:
        p = ctx.params
        table = ctx.metastore.get_table(p["database_name"], p["table_name"])
        files_only(table, "table summarize", ctx.metastore.client_name)
        job = models.SummarizeJob(table=table, top_values=p["top_values"])
        done = job_outcome(ctx, ctx.execution.run_job(job))
        if done.summary is None:
            raise MasonRuntimeError(f"summarize job {done.id} returned no summary")
        if any(c.distinct_approximate for c in done.summary.columns):
            ctx.info(f"distinct counts of {qualified_name(table)} are approximate (HyperLogLog)")
        return done.summary
