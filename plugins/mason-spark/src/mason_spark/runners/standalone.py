"""The standalone runner: spark-submit to a ``spark://`` master.

The driver runs beside mason (client deploy mode: Spark's standalone cluster
mode does not take Python applications), executors on the cluster's
workers. The driver's state is the spark-submit process and the result file
the entry script writes; ``wait: false`` returns as soon as it is launched.
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.errors import ConfigurationError
from mason_spark.config import StandaloneRunner
from mason_spark.defaults import spark_conf
from mason_spark.runners import SparkRunner
from mason_spark.runners.process import entry_script, launch, refresh_from_child

if TYPE_CHECKING:
    from mason.sdk.jobs import JobOutcome, JobRecord
    from mason_spark.spec import JobSpec


def spark_home(settings: StandaloneRunner) -> Path:
    """The configured Spark distribution, else the one inside pyspark."""
    if settings.spark_home:
        home = Path(settings.spark_home).expanduser()
    else:
        spec = find_spec("pyspark")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError("pyspark is not installed and no spark_home is configured")
        home = Path(next(iter(spec.submodule_search_locations)))
    if not (home / "bin" / "spark-submit").is_file():
        raise ConfigurationError(f"no bin/spark-submit in spark_home {home}")
    return home


def submit_command(
    settings: StandaloneRunner, home: Path, record_id: str, spec_file: Path, result: Path, kind: str
) -> list[str]:
    command = [
        str(home / "bin" / "spark-submit"),
        "--master",
        settings.master,
        "--deploy-mode",
        "client",
        "--name",
        f"mason-{kind}-{record_id}",
        "--driver-memory",
        settings.driver_memory,
        "--executor-memory",
        settings.executor_memory,
    ]
    if settings.executor_cores:
        command += ["--executor-cores", str(settings.executor_cores)]
    if settings.total_executor_cores:
        command += ["--total-executor-cores", str(settings.total_executor_cores)]
    conf = spark_conf({"spark.pyspark.python": sys.executable, **settings.conf})
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    return [
        *command,
        str(entry_script()),
        "--spec-file",
        str(spec_file),
        "--result",
        str(result),
    ]


class StandaloneSparkRunner(SparkRunner):
    settings: StandaloneRunner

    def submit(self, spec: JobSpec, record: JobRecord) -> JobOutcome | None:
        home = spark_home(self.settings)
        files = self.files(record)
        command = submit_command(
            self.settings, home, record.id, files.spec, files.result, spec.job.kind
        )
        env = {
            "SPARK_HOME": str(home),
            "PYSPARK_PYTHON": sys.executable,
            "PYSPARK_DRIVER_PYTHON": sys.executable,
        }
        if "SPARK_LOCAL_IP" in os.environ:
            env["SPARK_LOCAL_IP"] = os.environ["SPARK_LOCAL_IP"]
        record.metrics["master"] = self.settings.master
        process = launch(command, self.jobs, record, env)
        if self.settings.wait:
            return refresh_from_child(files, record, process.wait())
        return None

    def poll(self, record: JobRecord) -> JobOutcome | None:
        return refresh_from_child(self.files(record), record, None)
