"""Dedupe: a catalog table without duplicate rows (whole rows, or one row per
key); which row of a key survives is unspecified, as on the local engine, so
no sort of the whole table is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.models import DedupeJob
from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.guard import check_output
from mason_spark.jobs.read import read_table
from mason_spark.jobs.write import check_columns, write_output, written_result
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def run_dedupe(spark: SparkSession, job: DedupeJob, preview_rows: int) -> JobResult:
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    fs = HadoopFS(spark)
    check_output(fs, job.table.location or "", job.output_path, job.overwrite, job.format)
    frame = read_table(spark, job.table)
    check_columns(job.keys, frame.columns, "keys")
    incoming = Observation("mason_rows_in")
    counted = frame.observe(incoming, F.count(F.lit(1)).alias("rows"))
    deduped = counted.dropDuplicates(job.keys) if job.keys else counted.dropDuplicates()
    written = write_output(
        spark,
        deduped,
        job.output_path,
        job.format,
        [],
        job.overwrite,
        [job.table.location or ""],
    )
    rows_in = int(incoming.get.get("rows", 0))
    return written_result(
        spark,
        written,
        frame.schema,
        job.format,
        preview_rows,
        {
            "rows_in": rows_in,
            "rows_removed": rows_in - written.rows,
            "keys": ", ".join(job.keys) if job.keys else "(whole row)",
            "format": job.format,
        },
    )
