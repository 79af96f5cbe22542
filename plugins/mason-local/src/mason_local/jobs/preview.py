"""Preview jobs: the first rows of a catalog table."""

from __future__ import annotations

from mason.sdk.models import PreviewJob
from mason_local.jobs.results import arrow_table, columns_of, rows_of
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sql import ident, query_error
from mason_local.jobs.tables import register_tables


def run_preview(job: PreviewJob, run: JobRun) -> JobOutcome:
    import duckdb

    table = job.table
    database = table.database or "main"
    con = run.duckdb()
    try:
        register_tables(con, [table], run.config, database, run.remote_filesystem, warn=run.warning)
        try:
            rows = arrow_table(
                con.sql(
                    f"SELECT * FROM {ident(database)}.{ident(table.name)} LIMIT {int(job.limit)}"
                )
            )
        except duckdb.Error as exc:
            raise query_error(exc, f"cannot preview {database}.{table.name}") from exc
        return JobOutcome(
            result_location=table.location,
            columns=columns_of(rows.schema),
            preview=rows_of(rows),
            row_count=rows.num_rows,
        )
    finally:
        con.close()
