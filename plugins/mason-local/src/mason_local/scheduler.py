"""The local scheduler: runs workflow DAGs in this process.

Registered DAGs are kept as JSON files in MASON_HOME/clients/local/dags (owner
read/write only: their parameters may hold secrets), and run through the
core's workflow runner, from ``mason wf -r``, ``trigger_dag`` or the
foreground ``mason scheduler`` loop for cron schedules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.engines import SchedulerEngine
from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import Dag, Schedule
from mason.sdk.state import StateFileError, atomic_write_json, iter_json_models, read_json_model

if TYPE_CHECKING:
    from mason.sdk.workflows import RunOptions, RunRecord, WorkflowPlan

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class LocalScheduler(SchedulerEngine):
    @property
    def dags_dir(self) -> Path:
        return self.context.home / "clients" / self.client_name / "dags"

    def _path(self, dag_name: str) -> Path:
        if not _NAME.match(dag_name):
            raise MasonUsageError(f"'{dag_name}' is not a valid dag name")
        return self.dags_dir / f"{dag_name}.json"

    def register_dag(self, dag: Dag, schedule: Schedule | None = None) -> Dag:
        if schedule is not None and schedule.expression:
            self.validate_schedule(schedule.expression)
        stored = dag.model_copy(update={"schedule": schedule or dag.schedule})
        atomic_write_json(self._path(dag.name), stored.model_dump(mode="json"), mode=0o600)
        return stored

    def _load(self, dag_name: str) -> Dag:
        path = self._path(dag_name)
        try:
            dag = read_json_model(path, Dag)
        except StateFileError:
            raise NotFoundError(f"registered dag {path} is unreadable") from None
        if dag is None:
            raise NotFoundError(f"no dag '{dag_name}' registered with the local scheduler")
        return dag

    def delete_dag(self, dag_name: str) -> None:
        path = self._path(dag_name)
        if not path.exists():
            raise NotFoundError(f"no dag '{dag_name}' registered with the local scheduler")
        path.unlink()

    def list_dags(self) -> list[Dag]:
        def skipped(path: Path) -> None:
            self.context.warning(f"skipping unreadable dag file {path}")

        return list(iter_json_models(self.dags_dir, Dag, skipped=skipped))

    def validate_schedule(self, expression: str) -> None:
        from mason.sdk.workflows import parse_cron

        parse_cron(expression)

    def trigger_dag(self, dag_name: str) -> dict[str, Any]:
        """Run a registered DAG now, here; returns its run record."""
        from mason.sdk.workflows import RunOptions, plan_from_dag, session_for

        session = session_for(self.context.home)
        plan = plan_from_dag(session, self._load(dag_name))
        return self.run_plan(plan, RunOptions()).to_json()

    def run_plan(self, plan: WorkflowPlan, options: RunOptions) -> RunRecord:
        from mason.sdk.workflows import run_plan

        return run_plan(plan, options)
