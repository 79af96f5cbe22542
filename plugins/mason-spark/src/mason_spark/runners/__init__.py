"""Runners: how a job specification reaches a Spark driver.

Each runner submits a ``JobSpec`` to the entry script and later refreshes the
record from wherever the driver's state lives (this process, a result file
and the spark-submit process, or a SparkApplication's status).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import JobStatus
from mason.sdk.plugin import import_object

if TYPE_CHECKING:
    from mason_spark.records import JobRecord, RecordStore
    from mason_spark.spec import JobSpec

#: runner ``type`` -> ``module:Class``, imported when a job needs it.
RUNNERS: dict[str, str] = {
    "local": "mason_spark.runners.local:LocalSparkRunner",
    "standalone": "mason_spark.runners.standalone:StandaloneSparkRunner",
    "kubernetes-operator": "mason_spark.runners.kubernetes:KubernetesSparkRunner",
}


class SparkRunner(ABC):
    def __init__(self, settings: Any, store: RecordStore) -> None:
        self.settings = settings
        self.store = store

    @abstractmethod
    def submit(self, spec: JobSpec, record: JobRecord) -> None:
        """Start the job (and, for a waiting runner, see it finish); update ``record``."""

    def refresh(self, record: JobRecord) -> None:
        """Bring an unfinished ``record`` up to date with the driver's state."""
        return None

    def cancel(self, record: JobRecord) -> None:
        raise MasonRuntimeError(f"the {record.runner_type} runner cannot cancel jobs")


def load_runner(settings: Any, store: RecordStore) -> SparkRunner:
    cls = import_object(RUNNERS[settings.type])
    runner: SparkRunner = cls(settings, store)
    return runner


def unfinished(record: JobRecord) -> bool:
    return record.status in (JobStatus.QUEUED, JobStatus.RUNNING)
