"""Dedupe jobs: a catalog table without its duplicate rows, written to an
output path; duplicates are whole rows, or rows sharing the key columns.

With key columns, DuckDB's ``DISTINCT ON`` keeps one row per key (which one
is unspecified, so no sort of the whole table is needed); both forms are
hash aggregates that spill to disk rather than outgrow the memory limit.
"""

from __future__ import annotations

from mason.sdk.models import DedupeJob
from mason_local.jobs.datasets import (
    check_columns,
    source_columns,
    table_output,
    write_once,
    writing_connection,
)
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sql import ident, query_error
from mason_local.jobs.tables import scan_sql


def dedupe_sql(source: str, keys: list[str]) -> str:
    if not keys:
        return f"SELECT DISTINCT * FROM ({source})"
    return f"SELECT DISTINCT ON ({', '.join(ident(k) for k in keys)}) * FROM ({source})"


def run_dedupe(job: DedupeJob, run: JobRun) -> JobOutcome:
    import duckdb

    table = job.table
    name = f"{table.database}.{table.name}"
    output, files = table_output(table, run, job.output_path, job.format, job.overwrite)

    con = writing_connection(run)
    try:
        source = f"SELECT * FROM {scan_sql(con, table, run.config, run.warning)}"
        columns = source_columns(con, source)
        check_columns(job.keys, [c.name for c in columns], "keys")
        try:
            counted = con.execute(f"SELECT count(*) FROM ({source})").fetchone()
        except duckdb.Error as exc:
            raise query_error(exc, f"cannot read table {name}") from exc
        rows_in = int(counted[0]) if counted else 0
        rows_out, preview = write_once(
            con, run, dedupe_sql(source, job.keys), output, f"dedupe {name}", files
        )
    finally:
        con.close()
    return output.outcome(
        columns,
        preview,
        rows_out,
        {
            "rows_in": rows_in,
            "rows_removed": rows_in - rows_out,
            "keys": ", ".join(job.keys) if job.keys else "(whole row)",
            "format": job.format,
        },
    )
