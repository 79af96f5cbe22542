"""Format: a catalog table rewritten in another format, optionally partitioned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.models import FormatJob
from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.guard import check_output
from mason_spark.jobs.read import read_table
from mason_spark.jobs.write import write_output, written_result
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def run_format(spark: SparkSession, job: FormatJob, preview_rows: int) -> JobResult:
    fs = HadoopFS(spark)
    check_output(fs, job.table.location or "", job.output_path, job.overwrite, job.format)
    frame = read_table(spark, job.table)
    written = write_output(
        spark,
        frame,
        job.output_path,
        job.format,
        job.partition_by,
        job.overwrite,
        [job.table.location or ""],
    )
    return written_result(
        spark,
        written,
        frame.schema,
        job.format,
        preview_rows,
        {"format": job.format, "partition_by": ", ".join(job.partition_by)},
    )
