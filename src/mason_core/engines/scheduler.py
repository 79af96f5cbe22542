"""The scheduler engine: DAGs, schedules and triggers."""

from __future__ import annotations

from typing import Any, ClassVar

from mason_core.engines.base import Engine
from mason_core.models import Dag, DagRun, Schedule, Table


class SchedulerEngine(Engine):
    _is_interface: ClassVar[bool] = True
    engine_type = "scheduler"
    VERBS = (
        "register_dag",
        "trigger_dag",
        "delete_dag",
        "list_dags",
        "validate_schedule",
        "trigger_refresh",
        "get_dag_run",
    )

    def register_dag(self, dag: Dag, schedule: Schedule | None = None) -> Dag:
        self.not_served("register_dag")

    def trigger_dag(self, dag_name: str) -> dict[str, Any]:
        """Start a registered DAG now; returns the scheduler's run record. A
        scheduler that serves ``get_dag_run`` puts the run's id under ``run_id``,
        and Mason follows the run."""
        self.not_served("trigger_dag")

    def delete_dag(self, dag_name: str) -> None:
        self.not_served("delete_dag")

    def list_dags(self) -> list[Dag]:
        self.not_served("list_dags")

    def validate_schedule(self, expression: str) -> None:
        """Raise :class:`~mason_core.errors.MasonUsageError` for a bad expression."""
        self.not_served("validate_schedule")

    def trigger_refresh(self, table: Table) -> dict[str, Any]:
        self.not_served("trigger_refresh")

    def get_dag_run(self, dag_name: str, run_id: str) -> DagRun:
        """A run started by ``trigger_dag``, step by step (for schedulers that run
        DAGs elsewhere: Mason follows it and ``mason wf status`` reads it)."""
        self.not_served("get_dag_run")
