"""The contract between the core and a scheduler that runs DAGs in this process.

A scheduler engine that also has ``run_plan`` (the local client's does) gets
the validated plan and run options directly, so parallelism, resume, retries
and the live view work; any other scheduler is handed the DAG through the
canonical ``register_dag`` and ``trigger_dag`` verbs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from mason_core.models import Dag
from mason_core.workflows.spec import StepSpec

if TYPE_CHECKING:
    from mason_core.runtime import Session
    from mason_core.workflows.plan import WorkflowPlan
    from mason_core.workflows.records import RunRecord
    from mason_core.workflows.runner import RunOptions


@runtime_checkable
class InProcessScheduler(Protocol):
    def run_plan(self, plan: WorkflowPlan, options: RunOptions) -> RunRecord: ...


def session_for(home: Path) -> Session:
    """The session of ``home``: the shared one when it is the current MASON_HOME."""
    from mason_core.runtime import Session, default_session

    current = default_session()
    if current.home.path == Path(home).resolve():
        return current
    return Session(home)


def plan_from_dag(session: Session, dag: Dag, config_id: str | None = None) -> WorkflowPlan:
    """Validate a registered DAG again (operators or configurations may have
    changed since it was deployed) and return its plan.

    The DAG's own steps are used, so a deployed workflow keeps the shape it was
    deployed with; its definition class comes from the registered workflow.
    """
    from mason_core.workflows.validation import validate_workflow_spec

    if dag.namespace is None or dag.command is None:
        from mason_core.errors import DefinitionError

        raise DefinitionError(f"dag '{dag.name}' names no workflow (namespace and command)")
    spec = session.registry.workflow(dag.namespace, dag.command)
    steps = [
        StepSpec(
            id=s.id,
            namespace=s.namespace,
            command=s.command,
            dependencies=list(s.dependencies),
            retry_method=s.retry_method,
            retry_max=s.retry_max,
        )
        for s in dag.steps
    ]
    inputs = {s.id: {"config_id": s.config_id, "parameters": dict(s.parameters)} for s in dag.steps}
    snapshot = spec.model_copy(update={"dag": steps})
    schedule = dag.schedule.expression if dag.schedule else None
    return validate_workflow_spec(session, snapshot, inputs, config_id, schedule)
