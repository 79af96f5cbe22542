"""Format jobs: a catalog table rewritten as parquet, CSV or JSON lines,
optionally hive-partitioned, committed only once completely written."""

from __future__ import annotations

from mason_core.models import FormatJob
from mason_local.jobs.datasets import (
    Output,
    check_columns,
    source_columns,
    write_once,
    writing_connection,
)
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.tables import scan_sql, table_files
from mason_local.paths import resolve_local


def run_format(job: FormatJob, run: JobRun) -> JobOutcome:
    table = job.table
    name = f"{table.database}.{table.name}"
    output = Output(
        resolve_local(job.output_path, run.config.root), job.format, job.overwrite, job.partition_by
    )
    files = table_files(table, run.config)
    output.check(resolve_local(table.location or "", run.config.root))

    con = writing_connection(run)
    try:
        query = f"SELECT * FROM {scan_sql(table, run.config)}"
        columns = source_columns(con, query)
        check_columns(job.partition_by, [c.name for c in columns], "partition_by")
        rows, preview = write_once(con, run, query, output, f"format {name} as {job.format}", files)
    finally:
        con.close()
    return JobOutcome(
        result_location=str(output.target),
        columns=columns,
        preview=preview,
        row_count=rows,
        metrics={"files": len(files), "format": job.format},
    )
