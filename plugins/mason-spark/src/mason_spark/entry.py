"""The job entry script: one JSON job specification in, one JSON result out.

Every runner goes through here, so a merge means the same on every runner:
the local runner calls :func:`run_spec` in-process (or runs this file in a
child python), the standalone runner hands this file to spark-submit, and the
Kubernetes runner names it as the SparkApplication's ``mainApplicationFile``.

    python entry.py --spec-file job.json --result result.json
    python entry.py --spec '{"job_id": "...", "job": {"kind": "merge", ...}}'

The result (a ``JobResult``) is written to ``--result`` when given (first as
``running`` with the application id, then the outcome), to the spec's
``result_location`` when it names one (through Hadoop: how a Kubernetes driver
hands its result back), and always printed as one ``MASON_RESULT {...}`` line,
which is what a driver log shows.

Run as a script, this file's folder comes first on ``sys.path``: no module of
``mason_spark`` may share a name with the standard library (hence
``typenames``, not ``types``), and every import here is absolute.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mason_spark.spec import JobResult, JobSpec

RESULT_MARKER = "MASON_RESULT "


def error_text(exc: BaseException) -> str:
    """One readable line: a Mason error's message, else the exception's first line
    (a JVM stack trace follows the first line of every Spark error)."""
    from mason.sdk.errors import MasonError
    from mason.sdk.secrets import scrub

    if isinstance(exc, MasonError):
        return scrub(exc.message)
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return scrub(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)


def run_spec(spark: SparkSession, spec: JobSpec) -> JobResult:
    """Run one job; a failure becomes a ``failed`` result, never an exception."""
    from mason.sdk.plugin import import_object
    from mason_spark.jobs import JOB_RUNNERS
    from mason_spark.spec import JobResult, utc_now

    started = utc_now()
    application_id = spark.sparkContext.applicationId
    try:
        path = JOB_RUNNERS.get(spec.job.kind)
        if path is None:
            raise ValueError(f"Spark does not run {spec.job.kind} jobs")
        spark.sparkContext.setJobGroup(spec.job_id, f"mason {spec.job.kind} {spec.job_id}")
        result: JobResult = import_object(path)(spark, spec.job, spec.preview_rows)
    except Exception as exc:
        result = JobResult(status="failed", error=error_text(exc))
    result.application_id = application_id
    result.started_at = started
    result.finished_at = utc_now()
    return result


def write_result(path: Path, result: JobResult) -> None:
    """Replace ``path`` atomically, so a reader never sees half a result."""
    from mason.sdk.state import atomic_write_text

    atomic_write_text(path, result.model_dump_json())


def publish_result(spark: SparkSession, location: str, result: JobResult) -> None:
    """Write the final result to the spec's ``result_location`` through the
    driver's Hadoop FileSystem (``s3a:``, ``hdfs:``, a mounted volume), for a
    runner that cannot read ``--result`` on the driver's disk. Failing to
    write it never fails the job: the result line stays in the log."""
    from mason_spark.jobs.fs import HadoopFS

    try:
        HadoopFS(spark).write_text(location, result.model_dump_json())
    except Exception as exc:
        print(f"mason: cannot write the result to {location}: {error_text(exc)}", flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run one Mason job on Spark.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--spec", help="the job specification as JSON text")
    source.add_argument("--spec-file", help="a file holding the job specification")
    parser.add_argument("--result", help="file to write the result to (JSON)")
    parser.add_argument("--conf", action="append", default=[], help="spark configuration key=value")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from pyspark.sql import SparkSession

    from mason_spark.spec import JobResult, JobSpec, utc_now

    args = _arguments(argv)
    text = args.spec if args.spec is not None else Path(args.spec_file).read_text()
    spec = JobSpec.model_validate_json(text)
    result_path = Path(args.result) if args.result else None
    builder = SparkSession.builder.appName(f"mason-{spec.job.kind}-{spec.job_id}")
    for item in args.conf:
        key, _, value = item.partition("=")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        if result_path is not None:
            running = JobResult(
                status="running",
                application_id=spark.sparkContext.applicationId,
                started_at=utc_now(),
            )
            write_result(result_path, running)
        result = run_spec(spark, spec)
        if result_path is not None:
            write_result(result_path, result)
        if spec.result_location:
            publish_result(spark, spec.result_location, result)
        print(RESULT_MARKER + json.dumps(result.model_dump(mode="json")), flush=True)
    finally:
        spark.stop()
    return 0 if result.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
