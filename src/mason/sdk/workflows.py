"""For scheduler clients and workflow authors: the step hook
(:class:`WorkflowDefinition`), a validated :class:`WorkflowPlan`, running it
(:func:`run_plan`), run records, cron parsing, and step-output references
(``${steps.ID.path}``: :func:`find_references`, :func:`resolve_references`) for
schedulers that run each step somewhere else."""

from mason_core.workflows.cron import Cron, CronError, five_field, parse_cron
from mason_core.workflows.definition import (
    Decision,
    ExecutedStep,
    FailedStep,
    PlannedStep,
    SkippedStep,
    WorkflowDefinition,
)
from mason_core.workflows.inprocess import plan_from_dag, session_for
from mason_core.workflows.plan import StepPlan, WorkflowPlan
from mason_core.workflows.records import RunRecord, StepRecord
from mason_core.workflows.references import StepOutputError, find_references
from mason_core.workflows.references import resolve as resolve_references
from mason_core.workflows.runner import RunOptions, run_plan

__all__ = [
    "Cron",
    "CronError",
    "Decision",
    "ExecutedStep",
    "FailedStep",
    "PlannedStep",
    "RunOptions",
    "RunRecord",
    "SkippedStep",
    "StepOutputError",
    "StepPlan",
    "StepRecord",
    "WorkflowDefinition",
    "WorkflowPlan",
    "find_references",
    "five_field",
    "parse_cron",
    "plan_from_dag",
    "resolve_references",
    "run_plan",
    "session_for",
]
