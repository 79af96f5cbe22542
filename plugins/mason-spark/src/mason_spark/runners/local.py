"""The local runner: pyspark in ``local[N]`` mode.

In-process (the default) one SparkSession serves every job of the mason
process, so only the first job pays for starting the JVM; a child process
per job isolates jobs from each other at that cost.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from mason_spark.config import LocalRunner
from mason_spark.defaults import spark_conf
from mason_spark.iceberg import with_iceberg
from mason_spark.jobfiles import take_result
from mason_spark.runners import SparkRunner
from mason_spark.runners.process import entry_script, launch, refresh_from_child

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mason.sdk.jobs import JobOutcome, JobRecord
    from mason_spark.spec import JobSpec


def local_session(settings: LocalRunner) -> SparkSession:
    """The process's SparkSession, created with these settings if there is none."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(settings.master).appName("mason")
    conf = with_iceberg(
        spark_conf({"spark.driver.memory": settings.driver_memory, **settings.conf})
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class LocalSparkRunner(SparkRunner):
    settings: LocalRunner

    def submit(self, spec: JobSpec, record: JobRecord) -> JobOutcome | None:
        if self.settings.in_process:
            from mason_spark.entry import run_spec

            return take_result(record, run_spec(local_session(self.settings), spec))
        files = self.files(record)
        conf = with_iceberg(
            spark_conf(
                {
                    "spark.master": self.settings.master,
                    "spark.driver.memory": self.settings.driver_memory,
                    **self.settings.conf,
                }
            )
        )
        command = [
            sys.executable,
            str(entry_script()),
            "--spec-file",
            str(files.spec),
            "--result",
            str(files.result),
        ]
        for key, value in conf.items():
            command += ["--conf", f"{key}={value}"]
        process = launch(command, self.jobs, record, {})
        return refresh_from_child(files, record, process.wait())

    def poll(self, record: JobRecord) -> JobOutcome | None:
        return refresh_from_child(self.files(record), record, None)
