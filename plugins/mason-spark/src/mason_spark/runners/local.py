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
from mason_spark.runners import SparkRunner
from mason_spark.runners.process import entry_script, launch, refresh_from_child

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mason_spark.records import JobRecord
    from mason_spark.spec import JobSpec


def local_session(settings: LocalRunner) -> SparkSession:
    """The process's SparkSession, created with these settings if there is none."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(settings.master).appName("mason")
    conf = spark_conf({"spark.driver.memory": settings.driver_memory, **settings.conf})
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class LocalSparkRunner(SparkRunner):
    settings: LocalRunner

    def submit(self, spec: JobSpec, record: JobRecord) -> None:
        if self.settings.in_process:
            from mason_spark.entry import run_spec

            record.apply(run_spec(local_session(self.settings), spec))
            return
        conf = spark_conf(
            {
                "spark.master": self.settings.master,
                "spark.driver.memory": self.settings.driver_memory,
                **self.settings.conf,
            }
        )
        command = [
            sys.executable,
            str(entry_script()),
            "--spec-file",
            str(self.store.spec_path(record.id)),
            "--result",
            str(self.store.result_path(record.id)),
        ]
        for key, value in conf.items():
            command += ["--conf", f"{key}={value}"]
        process = launch(command, self.store, record, {})
        refresh_from_child(self.store, record, process.wait())

    def refresh(self, record: JobRecord) -> None:
        if record.pid is not None:
            refresh_from_child(self.store, record, None)
