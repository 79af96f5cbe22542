"""Summarize: per-column statistics of a catalog table, defined as the local
engine defines them so the two can be compared: count of non-null values,
nulls, approximate distinct count (HyperLogLog++), min and max, mean and
sample standard deviation for numbers, the most frequent non-null values
(ties broken by value). One aggregation computes all but the top values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.models import ColumnSummary, SummarizeJob, TableSummary, ValueCount
from mason_spark.jobs.read import read_table
from mason_spark.jobs.values import json_safe
from mason_spark.spec import JobResult
from mason_spark.typenames import arrow_type_name, is_numeric

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

_NESTED = ("array<", "map<", "struct<")


def _aggregates(name: str, kind: str) -> list[Column]:
    from pyspark.sql import functions as F

    column = F.col(f"`{name}`")
    out = [F.count(column)]
    if kind.startswith(_NESTED):
        return out + [F.lit(None)] * 5
    out += [F.approx_count_distinct(column), F.min(column), F.max(column)]
    if is_numeric(kind):
        out += [F.avg(column).cast("double"), F.stddev_samp(column).cast("double")]
    else:
        out += [F.lit(None), F.lit(None)]
    return out


def _top_values(frame: DataFrame, name: str, limit: int) -> list[ValueCount]:
    from pyspark.sql import functions as F

    if limit <= 0:
        return []
    column = F.col(f"`{name}`")
    rows = (
        frame.where(column.isNotNull())
        .groupBy(column.alias("value"))
        .count()
        .orderBy(F.col("count").desc(), F.col("value").asc())
        .limit(limit)
        .collect()
    )
    return [ValueCount(value=json_safe(r["value"]), count=int(r["count"])) for r in rows]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def run_summarize(spark: SparkSession, job: SummarizeJob, preview_rows: int) -> JobResult:
    from pyspark.sql import functions as F

    table = job.table
    frame = read_table(spark, table)
    fields = [(f.name, f.dataType) for f in frame.schema.fields]
    selects = [F.count(F.lit(1))]
    for name, data_type in fields:
        selects += _aggregates(name, data_type.simpleString())
    row = frame.agg(*selects).collect()[0]
    total = int(row[0])
    width = 6
    columns = []
    for i, (name, data_type) in enumerate(fields):
        count, distinct, low, high, mean, stddev = row[1 + i * width : 1 + (i + 1) * width]
        nested = data_type.simpleString().startswith(_NESTED)
        columns.append(
            ColumnSummary(
                name=name,
                type=arrow_type_name(data_type),
                count=int(count),
                nulls=total - int(count),
                distinct=None if distinct is None else int(distinct),
                distinct_approximate=distinct is not None,
                min=json_safe(low),
                max=json_safe(high),
                mean=_float(mean),
                stddev=_float(stddev),
                top_values=[] if nested else _top_values(frame, name, job.top_values),
            )
        )
    summary = TableSummary(
        table=table.name, database=table.database, row_count=total, columns=columns
    )
    return JobResult(
        status="succeeded",
        result_location=table.location,
        row_count=total,
        metrics={"columns": len(columns)},
        summary=summary,
    )
