"""Query: Spark SQL over the tables the operator resolved through the metastore.

Each table becomes a temporary view under its table name, and references
qualified by database (``FROM shop.sales``, as on the local DuckDB engine
where the database is a schema) are rewritten to that view (see
:mod:`mason_spark.jobs.qualified`); so both ``FROM sales`` and
``FROM shop.sales`` work. The views are dropped afterwards because an
in-process session is reused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.errors import MasonUsageError
from mason.sdk.models import QueryJob
from mason_spark.iceberg import read_iceberg
from mason_spark.jobs.qualified import mentioned, qualify_views, view_names
from mason_spark.jobs.read import read_table
from mason_spark.jobs.values import columns_of, rows_of
from mason_spark.jobs.write import write_output
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def run_query(spark: SparkSession, job: QueryJob, preview_rows: int) -> JobResult:
    from pyspark.errors import AnalysisException, ParseException

    names = view_names(job.tables, job.database_name)
    views: list[str] = []
    try:
        for table in mentioned(job.tables, job.query_string):
            view = names[((table.database or job.database_name).lower(), table.name.lower())]
            frame = (
                read_iceberg(spark, table, job.as_of)
                if table.format == "iceberg"
                else read_table(spark, table)
            )
            frame.createOrReplaceTempView(view)
            views.append(view)
        query = qualify_views(job.query_string.strip().rstrip(";"), names)
        try:
            result = spark.sql(query)
            columns = columns_of(result.schema)
        except (AnalysisException, ParseException) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MasonUsageError(f"query failed: {first}") from exc
        limit = max(0, job.preview_rows)
        if job.output_path:
            written = write_output(
                spark,
                result,
                job.output_path,
                job.output_format,
                [],
                job.overwrite,
                [t.location for t in job.tables if t.location],
            )
            return JobResult(
                status="succeeded",
                result_location=written.location,
                columns=columns,
                preview=rows_of(result.limit(limit).collect()) if limit else [],
                row_count=written.rows,
                metrics={"format": job.output_format},
            )
        return JobResult(
            status="succeeded",
            columns=columns,
            preview=rows_of(result.limit(limit).collect()) if limit else [],
            row_count=result.count(),
        )
    finally:
        for view in views:
            spark.catalog.dropTempView(view)
