"""Query jobs: SQL over catalog tables on an in-memory DuckDB."""

from __future__ import annotations

from mason.sdk.models import QueryJob
from mason_local.jobs.results import arrow_table, columns_of, query_result, write_result
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sql import query_error, strip_statement
from mason_local.jobs.tables import register_tables
from mason_local.paths import confinement_root, resolve_anywhere, resolve_local
from mason_local.staging import Replaceable


def run_query(job: QueryJob, run: JobRun) -> JobOutcome:
    """Run the query with ``job.tables`` as views; write the result when an
    output path is given, and return its columns, row count and a preview."""
    import duckdb

    con = run.duckdb()
    metrics: dict[str, int | float | str] = {}  # the Iceberg files read and pruned
    try:
        query = strip_statement(job.query_string)
        register_tables(
            con,
            job.tables,
            run.config,
            job.database_name,
            run.remote_filesystem,
            query,
            run.warning,
            job.as_of,
            metrics,
        )
        try:
            if job.output_path:
                target = resolve_local(job.output_path, run.config.root)
                inputs = tuple(
                    resolve_anywhere(t.location, run.config.root) for t in job.tables if t.location
                )
                rules = Replaceable.of_format(
                    job.output_format, inputs, confinement_root(run.config.root), run.home
                )
                row_count, preview = write_result(
                    con, query, target, job.output_format, job.overwrite, job.preview_rows, rules
                )
                columns = columns_of(arrow_table(con.sql(query).limit(0)).schema)
                return JobOutcome(
                    result_location=str(target),
                    columns=columns,
                    preview=preview,
                    row_count=row_count,
                    metrics={**metrics, "format": job.output_format},
                )
            result = query_result(con, query, job.preview_rows)
            if result is None:  # a statement without a result
                return JobOutcome(row_count=0, metrics=metrics)
            columns, preview, row_count = result
            return JobOutcome(
                columns=columns, preview=preview, row_count=row_count, metrics=metrics
            )
        except duckdb.Error as exc:
            raise query_error(exc) from exc
    finally:
        con.close()
