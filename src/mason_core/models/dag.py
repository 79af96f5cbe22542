"""Scheduler models: DAGs of operator steps and their schedules."""

from __future__ import annotations

from typing import Any

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
