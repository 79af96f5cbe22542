"""The local execution engine: jobs run in this process on DuckDB and pyarrow.

The SDK's ``run_job`` template checks the kind and keeps the job's record;
``submit`` hands the work to the job kind's runner, imported only now.
"""

from __future__ import annotations

import importlib.util
from typing import ClassVar

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.jobs import JobOutcome, JobRecord, interruptible
from mason.sdk.models import Job
from mason.sdk.plugin import import_object
from mason_local.config import LocalClientConfig
from mason_local.jobs import RUNNERS
from mason_local.jobs.outputs import check_job_output
from mason_local.jobs.runtime import JobRun


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
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg", "delta")
    in_process: ClassVar[bool] = True

    def __init__(self, config: LocalClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    def check_job(self, job: Job) -> None:
        check_job_output(job, self.config, self.context.home)

    def submit(self, job: Job, record: JobRecord) -> JobOutcome:
        run = JobRun(
            job_id=record.id,
            config=self.config,
            home=self.context.home,
            progress=self.context.progress,
            logger=self.context.logger,
            remote_filesystem=self.context.remote_filesystem,
            warning=self.context.warning,
        )
        with interruptible(run.interrupt):  # DuckDB may not notice a signal itself
            outcome: JobOutcome = import_object(RUNNERS[job.kind])(job, run)
        return outcome
