"""Writing a DataFrame as a job's output, staged, counting rows as it goes.

The layout matches the local engine's: a single file when the output path
ends with the format's extension and nothing is partitioned, else a folder
of part files, hive-partitioned by the given columns. Rows are counted by an
observation on the write itself, so no second pass over the data is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonUsageError
from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.staging import staged_output
from mason_spark.jobs.values import columns_of, rows_of
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv",),
    "json": (".json", ".jsonl", ".ndjson"),
}


@dataclass
class Written:
    location: str
    rows: int
    single_file: bool


def is_single_file(target: str, fmt: str, partition_by: list[str]) -> bool:
    return not partition_by and target.lower().endswith(EXTENSIONS[fmt])


def check_columns(names: list[str], available: list[str], what: str) -> None:
    missing = [n for n in names if n not in available]
    if missing:
        raise MasonUsageError(
            f"{what} {', '.join(missing)} not among the columns ({', '.join(available)})"
        )


def _writer(frame: DataFrame, fmt: str) -> Any:
    writer = frame.write.format(fmt)
    if fmt == "csv":
        writer = writer.option("header", "true")
    return writer


def write_output(
    spark: SparkSession,
    frame: DataFrame,
    target: str,
    fmt: str,
    partition_by: list[str] | None = None,
    overwrite: bool = False,
    inputs: Sequence[str] = (),
) -> Written:
    """Write ``frame`` (read from ``inputs``) to ``target`` through a staging
    folder; return where (``target`` as given) and how many rows."""
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    keys = list(partition_by or [])
    check_columns(keys, frame.columns, "partition columns")
    fs = HadoopFS(spark)
    single = is_single_file(target, fmt, keys)
    observation = Observation("mason_rows")
    observed = frame.observe(observation, F.count(F.lit(1)).alias("rows"))
    with staged_output(fs, target, overwrite, fmt, inputs) as staging:
        if single:
            parts = f"{staging}.parts"
            _writer(observed.coalesce(1), fmt).save(parts)
            written = [f for f in fs.list_files(parts) if f.relative.startswith("part-")]
            if len(written) != 1:
                raise RuntimeError(f"expected one part file in {parts}, found {len(written)}")
            fs.rename(written[0].path, staging)
        elif keys:
            _writer(observed.repartition(*keys), fmt).partitionBy(*keys).save(staging)
        else:
            _writer(observed, fmt).save(staging)
        rows = int(observation.get.get("rows", 0))
    return Written(target, rows, single)


def read_back(spark: SparkSession, written: Written, fmt: str) -> DataFrame:
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", "true").option("inferSchema", "true")
    return reader.load(written.location)


def written_result(
    spark: SparkSession,
    written: Written,
    schema: StructType,
    fmt: str,
    preview_rows: int,
    metrics: dict[str, int | float | str],
) -> JobResult:
    """A job's success: its committed output, with the first ``preview_rows``
    rows read back from it."""
    preview = []
    if written.rows and preview_rows > 0:
        preview = rows_of(read_back(spark, written, fmt).limit(preview_rows).collect())
    return JobResult(
        status="succeeded",
        result_location=written.location,
        columns=columns_of(schema),
        preview=preview,
        row_count=written.rows,
        metrics=metrics,
    )
