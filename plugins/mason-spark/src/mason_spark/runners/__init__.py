"""Runners: how a job specification reaches a Spark driver.

Each runner submits a ``JobSpec`` to the entry script and later polls the
record from wherever the driver's state lives (this process, a result file
and the spark-submit process, or a SparkApplication's status). Both return
the job's outcome once it succeeded, else ``None`` with the record's status
set, as the SDK's ``ExecutionEngine.submit`` and ``poll`` do.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.plugin import import_object
from mason_spark.jobfiles import JobFiles

if TYPE_CHECKING:
    from mason.sdk.jobs import JobOutcome, JobRecord, JobStore
    from mason_spark.spec import JobSpec

#: runner ``type`` -> ``module:Class``, imported when a job needs it.
RUNNERS: dict[str, str] = {
    "local": "mason_spark.runners.local:LocalSparkRunner",
    "standalone": "mason_spark.runners.standalone:StandaloneSparkRunner",
    "kubernetes-operator": "mason_spark.runners.kubernetes:KubernetesSparkRunner",
}


class SparkRunner(ABC):
    def __init__(self, settings: Any, jobs: JobStore) -> None:
        self.settings = settings
        self.jobs = jobs

    def files(self, record: JobRecord) -> JobFiles:
        return JobFiles(self.jobs.folder(record.id))

    @abstractmethod
    def submit(self, spec: JobSpec, record: JobRecord) -> JobOutcome | None:
        """Start the job (and, for a waiting runner, see it finish)."""

    def poll(self, record: JobRecord) -> JobOutcome | None:
        """Bring an unfinished ``record`` up to date with the driver's state."""
        return None

    def cancel(self, record: JobRecord) -> None:
        runner = record.handle.get("runner", {}).get("type", "local")
        raise MasonRuntimeError(f"the {runner} runner cannot cancel jobs")


def load_runner(settings: Any, jobs: JobStore) -> SparkRunner:
    cls = import_object(RUNNERS[settings.type])
    runner: SparkRunner = cls(settings, jobs)
    return runner
