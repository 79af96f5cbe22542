"""The local execution engine: jobs run in this process on DuckDB and pyarrow.

``run_job`` keeps the record (queued, running, then succeeded or failed) and
hands the work to the job kind's runner, imported only now. A runner that
fails gives a failed record, not an exception: the operator decides what a
failure means for its response.
"""

from __future__ import annotations

import importlib.util
from functools import cached_property
from typing import ClassVar

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonError, UnsupportedConfigurationError
from mason.sdk.models import ExecutedJob, Job, JobStatus
from mason.sdk.plugin import import_object
from mason.sdk.secrets import scrub
from mason_local.config import LocalClientConfig
from mason_local.jobs import RUNNERS
from mason_local.jobs.outputs import check_job_output
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobstore import JobStore
from mason_local.metastore import catalog_path


def available_kinds() -> tuple[str, ...]:
    """Job kinds whose runner module is installed (found without importing it)."""
    kinds = []
    for kind, path in RUNNERS.items():
        module = path.partition(":")[0]
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            kinds.append(kind)
    return tuple(kinds)


class LocalExecution(ExecutionEngine):
    config: LocalClientConfig
    JOB_KINDS: ClassVar[tuple[str, ...]] = available_kinds()

    def __init__(self, config: LocalClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def records(self) -> JobStore:
        return JobStore(catalog_path(self.config, self.context.home))

    def run_job(self, job: Job) -> ExecutedJob:
        if job.kind not in self.JOB_KINDS or job.kind not in RUNNERS:
            raise UnsupportedConfigurationError(
                f"client '{self.client_name}' does not run {job.kind} jobs "
                f"(it runs: {', '.join(self.JOB_KINDS)})"
            )
        check_job_output(job, self.config, self.context.home)
        job_id = self.records.submit(job.kind, self.client_name, job.model_dump_json())
        run = JobRun(
            job_id=job_id,
            config=self.config,
            home=self.context.home,
            progress=self.context.progress,
            logger=self.context.logger,
            remote_filesystem=self.context.remote_filesystem,
        )
        self.records.start(job_id)
        try:
            runner = import_object(RUNNERS[job.kind])
            outcome: JobOutcome = runner(job, run)
        except MasonError as exc:
            self._fail(job_id, JobStatus.FAILED, exc.message)
        except Exception as exc:
            self._fail(job_id, JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
        except BaseException:
            self._fail(job_id, JobStatus.CANCELLED, "interrupted")
            raise
        else:
            self.records.succeed(job_id, outcome)
        return self.records.get(job_id)

    def get_job(self, job_id: str) -> ExecutedJob:
        return self.records.get(job_id)

    def list_jobs(self, limit: int = 50) -> list[ExecutedJob]:
        return self.records.list(limit)

    def _fail(self, job_id: str, status: JobStatus, message: str) -> None:
        self.context.logger.debug("local job %s failed", job_id, exc_info=True)
        line = " ".join(part.strip() for part in message.splitlines() if part.strip())
        self.records.finish_unsuccessfully(job_id, status, scrub(line))
