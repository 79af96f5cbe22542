"""Merge: every CSV, JSON lines and parquet file under a path, columns unified
by name, written as one dataset (partitioned by ``repartition_keys``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.models import MergeJob
from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.guard import check_output
from mason_spark.jobs.read import read_path
from mason_spark.jobs.write import check_columns, write_output, written_result
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def run_merge(spark: SparkSession, job: MergeJob, preview_rows: int) -> JobResult:
    fs = HadoopFS(spark)
    check_output(fs, job.input_path, job.output_path, job.overwrite, job.format)
    source = read_path(spark, job.input_path, job.parse_headers, job.extract_paths)
    check_columns(job.repartition_keys, source.frame.columns, "repartition_keys")
    written = write_output(
        spark,
        source.frame,
        job.output_path,
        job.format,
        job.repartition_keys,
        job.overwrite,
        [job.input_path],
    )
    return written_result(
        spark,
        written,
        source.frame.schema,
        job.format,
        preview_rows,
        {
            "files": len(source.files),
            "bytes": sum(f.size for f in source.files),
            "skipped_files": len(source.skipped),
            "format": job.format,
        },
    )
