"""Dedupe jobs: a catalog table without its duplicate rows, written to an
output path; duplicates are whole rows, or rows sharing the key columns.

With key columns, DuckDB's ``DISTINCT ON`` keeps one row per key (which one
is unspecified, so no sort of the whole table is needed); both forms are
hash aggregates that spill to disk rather than outgrow the memory limit.
"""

from __future__ import annotations

from mason_core.models import DedupeJob
from mason_local.jobs.datasets import (
    Output,
    check_columns,
    source_columns,
    write_once,
    writing_connection,
)
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sql import ident, query_error
from mason_local.jobs.tables import scan_sql, table_files
from mason_local.paths import resolve_local


def dedupe_sql(source: str, keys: list[str]) -> str:
    if not keys:
        return f"SELECT DISTINCT * FROM ({source})"
    return f"SELECT DISTINCT ON ({', '.join(ident(k) for k in keys)}) * FROM ({source})"


def run_dedupe(job: DedupeJob, run: JobRun) -> JobOutcome:
    import duckdb

    table = job.table
    name = f"{table.database}.{table.name}"
    output = Output(resolve_local(job.output_path, run.config.root), job.format, job.overwrite)
    files = table_files(table, run.config)
    output.check(resolve_local(table.location or "", run.config.root))

    con = writing_connection(run)
    try:
        source = f"SELECT * FROM {scan_sql(table, run.config)}"
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
    return JobOutcome(
        result_location=str(output.target),
        columns=columns,
        preview=preview,
        row_count=rows_out,
        metrics={
            "rows_in": rows_in,
            "rows_removed": rows_in - rows_out,
            "keys": ", ".join(job.keys) if job.keys else "(whole row)",
            "format": job.format,
        },
    )
