"""Scheduler models: DAGs of operator steps and their schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from mason_core.models.base import CanonicalModel


class Schedule(CanonicalModel):
    """A cron expression (five fields) or ``None`` for on-demand only."""

    name: str
    expression: str | None = None


class DagStep(CanonicalModel):
    id: str
    namespace: str
    command: str
    dependencies: list[str] = Field(default_factory=list)
    retry_method: str | None = None
    retry_max: int = 0
    config_id: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


class Dag(CanonicalModel):
    name: str
    namespace: str | None = None
    command: str | None = None
    steps: list[DagStep] = Field(default_factory=list)
    schedule: Schedule | None = None


#: a step's state in a scheduler's run, in the words of Mason's run records.
DagRunStepStatus = Literal["pending", "running", "retrying", "succeeded", "failed", "skipped"]
DagRunStatus = Literal["queued", "running", "succeeded", "failed"]


class DagRunStep(CanonicalModel):
    """One step of a run on a scheduler that runs DAGs elsewhere (Airflow)."""

    id: str
    status: DagRunStepStatus = "pending"
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    #: the step's response envelope (Errors, Info, Warnings, Data), when it reported one.
    output: dict[str, Any] | None = None


class DagRun(CanonicalModel):
    """A run of a registered DAG as its scheduler reports it, so ``mason wf -r``
    can follow it and ``mason wf status`` can read it later."""

    dag_name: str
    run_id: str
    status: DagRunStatus
    started_at: datetime | None = None
    finished_at: datetime | None = None
    steps: list[DagRunStep] = Field(default_factory=list)
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")
