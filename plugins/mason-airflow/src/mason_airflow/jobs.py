"""Airflow dag runs as Mason jobs, so ``mason op job get`` reads them.

A job id is ``DAG_ID/RUN_ID`` (what ``mason wf -r`` records as the run's
``scheduler_run_id``, with its dag): the job's status is the run's, its error
names the failed steps with their messages, and its metrics count steps by state.
"""

from __future__ import annotations

from functools import cached_property

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonUsageError
from mason.sdk.models import ExecutedJob, JobStatus
from mason_airflow.api import AirflowApi
from mason_airflow.config import AirflowClientConfig
from mason_airflow.runs import read_run


class AirflowJobs(ExecutionEngine):
    config: AirflowClientConfig

    def __init__(self, config: AirflowClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def api(self) -> AirflowApi:
        return AirflowApi(self.config, self.client_name)

    def close(self) -> None:
        if "api" in self.__dict__:
            self.api.close()

    def get_job(self, job_id: str) -> ExecutedJob:
        dag_name, sep, run_id = job_id.partition("/")
        if not sep or not dag_name or not run_id:
            raise MasonUsageError(
                f"airflow client '{self.client_name}': job id '{job_id}' is not DAG_ID/RUN_ID"
            )
        run = read_run(self.api, dag_name, run_id)
        status = {
            "queued": JobStatus.QUEUED,
            "running": JobStatus.RUNNING,
            "succeeded": JobStatus.SUCCEEDED,
            "failed": JobStatus.FAILED,
        }[run.status]
        metrics: dict[str, int | float | str] = {}
        for step in run.steps:
            metrics[f"steps_{step.status}"] = int(metrics.get(f"steps_{step.status}", 0)) + 1
        return ExecutedJob(
            id=job_id,
            kind="airflow_dag_run",
            status=status,
            client=self.client_name,
            started_at=run.started_at,
            finished_at=run.finished_at,
            error=run.error,
            metrics=metrics,
        )
