"""Workflows: DAGs of operator steps, validated as a whole and handed to a
scheduler engine. The functions here are the Python API that ``mason``
re-exports."""

from mason_core.workflows.api import (
    deploy_workflow,
    get_run,
    list_runs,
    run_workflow,
    validate_workflow,
)
from mason_core.workflows.definition import (
    ExecutedStep,
    FailedStep,
    PlannedStep,
    SkippedStep,
    WorkflowDefinition,
)
from mason_core.workflows.plan import WorkflowPlan
from mason_core.workflows.records import RunRecord, StepRecord
from mason_core.workflows.validation import WorkflowValidationError

__all__ = [
    "ExecutedStep",
    "FailedStep",
    "PlannedStep",
    "RunRecord",
    "SkippedStep",
    "StepRecord",
    "WorkflowDefinition",
    "WorkflowPlan",
    "WorkflowValidationError",
    "deploy_workflow",
    "get_run",
    "list_runs",
    "run_workflow",
    "validate_workflow",
]
