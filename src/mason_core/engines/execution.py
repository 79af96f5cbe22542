"""The execution engine: run jobs and report on them."""

from __future__ import annotations

from typing import ClassVar

from mason_core.engines.base import Engine
from mason_core.models import ExecutedJob, Job


class ExecutionEngine(Engine):
    _is_interface: ClassVar[bool] = True
    engine_type = "execution"
    VERBS = ("run_job", "get_job", "list_jobs")

    #: job kinds this client can run (``query``, ``merge``...); checked before a run.
    JOB_KINDS: ClassVar[tuple[str, ...]] = ()

    def run_job(self, job: Job) -> ExecutedJob:
        """Run ``job``; return its record (finished, or running when asynchronous)."""
        self.not_served("run_job")

    def get_job(self, job_id: str) -> ExecutedJob:
        self.not_served("get_job")

    def list_jobs(self, limit: int = 50) -> list[ExecutedJob]:
        self.not_served("list_jobs")
