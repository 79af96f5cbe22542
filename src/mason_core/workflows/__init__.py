"""Workflows: DAGs of operator steps, validated as a whole and handed to a
scheduler engine. The functions here are the Python API that ``mason``
re-exports; they load on first use, so reading a ``workflow.yaml`` (which
imports ``mason_core.workflows.spec``) does not load the runner."""

from typing import TYPE_CHECKING

from mason_core.lazy import lazy_exports

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(
        ["deploy_workflow", "get_run", "list_runs", "run_workflow", "validate_workflow"],
        "mason_core.workflows.api",
    ),
    **dict.fromkeys(
        ["ExecutedStep", "FailedStep", "PlannedStep", "SkippedStep", "WorkflowDefinition"],
        "mason_core.workflows.definition",
    ),
    "WorkflowPlan": "mason_core.workflows.plan",
    "RunRecord": "mason_core.workflows.records",
    "StepRecord": "mason_core.workflows.records",
    "WorkflowValidationError": "mason_core.workflows.validation",
}

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

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
