"""Format jobs: a catalog table rewritten as parquet, CSV or JSON lines,
optionally hive-partitioned, committed only once completely written."""

from __future__ import annotations

from mason.sdk.models import FormatJob
from mason_local.jobs.datasets import (
    check_columns,
    source_columns,
    table_output,
    write_once,
    writing_connection,
)
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.tables import scan_sql


def run_format(job: FormatJob, run: JobRun) -> JobOutcome:
    table = job.table
    name = f"{table.database}.{table.name}"
    output, files = table_output(
        table, run, job.output_path, job.format, job.overwrite, job.partition_by
    )

    con = writing_connection(run)
    try:
        query = f"SELECT * FROM {scan_sql(con, table, run.config, run.warning)}"
        columns = source_columns(con, query)
        check_columns(job.partition_by, [c.name for c in columns], "partition_by")
        rows, preview = write_once(con, run, query, output, f"format {name} as {job.format}", files)
    finally:
        con.close()
    return output.outcome(columns, preview, rows, {"files": len(files), "format": job.format})
