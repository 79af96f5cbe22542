"""``table merge``: many files become one dataset, through the execution engine.

The engine stages the output and commits it whole, so a failed or killed
merge leaves nothing at ``output_path``.
"""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.jobs import job_outcome


class TableMerge(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        p = ctx.params
        job = models.MergeJob(
            input_path=p["input_path"],
            output_path=p["output_path"],
            extract_paths=p["extract_paths"] or [],
            repartition_keys=p["repartition_keys"] or [],
            parse_headers=p["parse_headers"],
            format=p["format"],
            overwrite=p["overwrite"],
        )
        done = job_outcome(ctx, ctx.execution.run_job(job))
        skipped = done.metrics.get("skipped_files", 0)
        if skipped:
            ctx.warn(f"skipped {skipped} file(s) that are not parquet, CSV or JSON lines")
        return done
