"""``table merge``: many files become one dataset, through the execution engine.

The engine stages the output and commits it whole, so a failed or killed
merge leaves nothing at ``output_path``.
"""

from __future__ import annotations

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import commit_write, format_table
from mason_operators_table.columns import require_columns
from mason_operators_table.jobs import job_outcome


class TableMerge(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob | models.CommitResult:
        p = ctx.params
        if p.get("table_name"):
            return merge_into_table(ctx)
        if p.get("keys"):
            raise MasonUsageError("keys upsert into a table: give database_name and table_name")
        if not p.get("output_path"):
            raise MasonUsageError("give output_path, or database_name and table_name of a table")
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


def merge_into_table(ctx: OperatorContext) -> models.CommitResult:
    """Upsert (with keys) or append the input's rows into a table-format table."""
    p = ctx.params
    if not p.get("database_name"):
        raise MasonUsageError("table_name needs database_name")
    clashing = [n for n in ("output_path", "extract_paths", "repartition_keys") if p.get(n)]
    if clashing:
        raise MasonUsageError(
            f"{', '.join(clashing)} cannot be used when merging into table {p['table_name']}"
        )
    table = format_table(ctx, "table merge")
    keys: list[str] = p.get("keys") or []
    require_columns(table, keys, "keys")
    request = models.TableWrite(
        mode="upsert" if keys else "append", keys=keys, source_paths=[p["input_path"]]
    )
    return commit_write(ctx, table, request)
