"""Airflow dag runs and task instances, read back in Mason's terms."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from mason.sdk.errors import NotFoundError
from mason.sdk.models import DagRun, DagRunStep
from mason.sdk.models import JobStatus as JobStatusModel
from mason_airflow.api import AirflowApi
from mason_airflow.steps import ENVELOPE_KEY, ERROR_KEY, envelope_of

#: Airflow's task instance states -> Mason's step states.
TASK_STATES = {
    None: "pending",
    "none": "pending",
    "scheduled": "pending",
    "queued": "pending",
    "deferred": "running",
    "running": "running",
    "restarting": "running",
    "up_for_retry": "retrying",
    "up_for_reschedule": "running",
    "success": "succeeded",
    "failed": "failed",
    "upstream_failed": "skipped",
    "skipped": "skipped",
    "removed": "skipped",
}
RUN_STATES = {"queued": "queued", "running": "running", "success": "succeeded", "failed": "failed"}
JOB_STATES = {
    "queued": JobStatusModel.QUEUED,
    "running": JobStatusModel.RUNNING,
    "success": JobStatusModel.SUCCEEDED,
    "failed": JobStatusModel.FAILED,
}


def q(part: str) -> str:
    return quote(part, safe="")


def run_path(dag_name: str, run_id: str) -> str:
    return f"/dags/{q(dag_name)}/dagRuns/{q(run_id)}"


def when(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def xcom(api: AirflowApi, dag_name: str, run_id: str, task_id: str, key: str) -> Any:
    path = f"{run_path(dag_name, run_id)}/taskInstances/{q(task_id)}/xcomEntries/{q(key)}"
    try:
        body = api.call("GET", path, f"dag '{dag_name}' run '{run_id}'")
    except NotFoundError:
        return None
    return body.get("value") if isinstance(body, dict) else None


#: (dag, run, task, try) -> what a finished attempt left in XCom; it never changes,
#: so a followed run reads each step's output once, not at every poll.
XComCache = dict[tuple[str, str, str, int], Any]


def read_run(api: AirflowApi, dag_name: str, run_id: str, cache: XComCache | None = None) -> DagRun:
    cache = {} if cache is None else cache
    subject = f"dag '{dag_name}' run '{run_id}'"
    run = api.call("GET", run_path(dag_name, run_id), subject)
    body = api.call("GET", f"{run_path(dag_name, run_id)}/taskInstances", subject)
    steps = []
    failed: list[str] = []
    for ti in sorted(body.get("task_instances", []), key=lambda t: str(t.get("task_id"))):
        task_id = str(ti["task_id"])
        state = TASK_STATES.get(ti.get("state"), "running")
        step = DagRunStep(
            id=task_id,
            status=state,  # type: ignore[arg-type]
            attempts=int(ti.get("try_number") or 0),
            started_at=when(ti.get("start_date")),
            finished_at=when(ti.get("end_date")),
        )
        key = (dag_name, run_id, task_id, step.attempts)
        if state == "succeeded":
            if key not in cache:
                cache[key] = xcom(api, dag_name, run_id, task_id, ENVELOPE_KEY)
            value = cache[key]
            try:
                step.output = envelope_of(value) if value is not None else None
            except Exception:
                step.output = None
        elif state in ("failed", "skipped", "retrying"):
            if key not in cache:
                cache[key] = xcom(api, dag_name, run_id, task_id, ERROR_KEY)
            reason = cache[key]
            if ti.get("state") == "upstream_failed":
                reason = "an upstream step failed"
            step.error = str(reason) if reason else None
            if state == "failed":
                failed.append(f"{task_id}: {step.error or 'failed (see the task log in Airflow)'}")
        steps.append(step)
    status = RUN_STATES.get(str(run.get("state")), "running")
    return DagRun(
        dag_name=dag_name,
        run_id=run_id,
        status=status,  # type: ignore[arg-type]
        started_at=when(run.get("start_date")),
        finished_at=when(run.get("end_date")),
        steps=steps,
        error="; ".join(failed) or None,
    )
