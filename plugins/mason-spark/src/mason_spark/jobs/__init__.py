"""Spark implementations of the job kinds, one module each, run by the entry script.

Every runner ``run_<kind>(spark, job, preview_rows)`` returns a ``JobResult``;
only the DataFrame API is used (no Python UDFs), so executors need pyspark
alone, not mason.
"""

from __future__ import annotations

#: job kind -> ``module:function`` of its Spark implementation.
JOB_RUNNERS: dict[str, str] = {
    "merge": "mason_spark.jobs.merge:run_merge",
    "format": "mason_spark.jobs.format:run_format",
    "query": "mason_spark.jobs.query:run_query",
    "summarize": "mason_spark.jobs.summarize:run_summarize",
    "dedupe": "mason_spark.jobs.dedupe:run_dedupe",
}
