"""The Python API of workflows, which ``mason`` re-exports and the CLI uses.

``mason.run_workflow("table", "infer", "params.yaml", parallel=4)`` validates,
runs and returns the :class:`RunRecord`; ``validate_workflow`` is the dry run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason_core.engines import SchedulerEngine
from mason_core.models import Dag
from mason_core.operators.context import EngineSet
from mason_core.operators.parameters import UnknownParameters
from mason_core.runtime import Session, default_session
from mason_core.workflows.inprocess import InProcessScheduler
from mason_core.workflows.inputs import read_inputs_file
from mason_core.workflows.plan import WorkflowPlan
from mason_core.workflows.records import RunRecord, RunStore
from mason_core.workflows.runner import RunListener, RunOptions
from mason_core.workflows.validation import validate_workflow_spec

if TYPE_CHECKING:
    from mason_core.workflows.spec import WorkflowSpec

#: step id -> {"config_id": ..., "parameters": {...}}, or a YAML file of that.
WorkflowParameters = Mapping[str, Any] | str | Path | None


def _inputs(parameters: WorkflowParameters) -> Any:
    if isinstance(parameters, (str, Path)):
        return read_inputs_file(Path(parameters))
    return parameters


def _session(session: Session | None) -> Session:
    return session if session is not None else default_session()


def workflow_specs(
    namespace: str | None = None, session: Session | None = None
) -> list[WorkflowSpec]:
    return _session(session).registry.workflow_specs(namespace)


def validate_workflow(
    namespace: str,
    command: str,
    parameters: WorkflowParameters = None,
    *,
    config_id: str | None = None,
    schedule: str | None = None,
    session: Session | None = None,
    unknown_parameters: UnknownParameters = "error",
) -> WorkflowPlan:
    """Check everything (the dry run); raises
    :class:`~mason_core.workflows.validation.WorkflowValidationError` listing every problem.
    ``unknown_parameters='warn'`` drops undeclared step parameters with a warning."""
    s = _session(session)
    spec = s.registry.workflow(namespace, command)
    return validate_workflow_spec(
        s, spec, _inputs(parameters), config_id, schedule, unknown_parameters
    )


class _Scheduler:
    """The plan's scheduler engine, closed when done."""

    def __init__(self, plan: WorkflowPlan) -> None:
        chosen = {"scheduler": plan.scheduler} if plan.scheduler else {}
        self.engines = EngineSet(plan.session.registry, plan.config, plan.session.home, chosen)

    def __enter__(self) -> SchedulerEngine:
        return self.engines.typed("scheduler", SchedulerEngine)

    def __exit__(self, *exc: object) -> None:
        self.engines.close()


def run_workflow(
    namespace: str,
    command: str,
    parameters: WorkflowParameters = None,
    *,
    config_id: str | None = None,
    parallel: int | None = None,
    resume: str | None = None,
    listener: RunListener | None = None,
    sleep: Callable[[float], None] | None = None,
    session: Session | None = None,
) -> RunRecord:
    """Validate and run now on the configured scheduler; returns the run record.

    ``resume`` names an earlier run: its succeeded steps are reused and only the
    failed or skipped ones run again.
    """
    plan = validate_workflow(namespace, command, parameters, config_id=config_id, session=session)
    store = RunStore(plan.session.home)
    options = RunOptions(
        parallel=parallel,
        listener=listener,
        resume=store.load(resume) if resume else None,
    )
    if sleep is not None:
        options.sleep = sleep
    return run_validated(plan, options)


def run_validated(plan: WorkflowPlan, options: RunOptions) -> RunRecord:
    """Hand a validated plan to its scheduler and return the run record.

    A scheduler that runs DAGs elsewhere and serves ``get_dag_run`` is followed
    until the run ends; any other is left with the run ``triggered``.
    """
    from mason_core.workflows.remote import follow_run, follows_runs
    from mason_core.workflows.runner import WorkflowRunner

    store = RunStore(plan.session.home)
    with _Scheduler(plan) as scheduler:
        if isinstance(scheduler, InProcessScheduler):
            return scheduler.run_plan(plan, options)
        options.workers()  # a bad --parallel is an error whatever the scheduler
        dag = plan.to_dag()
        scheduler.register_dag(dag, dag.schedule)
        triggered = scheduler.trigger_dag(dag.name)
        record = WorkflowRunner(plan, options).record
        record.status = "triggered"
        run_id = triggered.get("run_id")
        if isinstance(run_id, str) and follows_runs(scheduler):
            record.scheduler_run_id = run_id
            store.save(record)
            return follow_run(scheduler, record, store, options)
    record.errors = [f"handed to scheduler '{plan.scheduler}': {triggered}"]
    store.save(record)
    return record


def deploy_workflow(
    namespace: str,
    command: str,
    parameters: WorkflowParameters = None,
    *,
    config_id: str | None = None,
    schedule: str | None = None,
    session: Session | None = None,
) -> Dag:
    """Validate and register the DAG (with an optional cron ``schedule``) with
    the configured scheduler; returns the registered DAG."""
    plan = validate_workflow(
        namespace, command, parameters, config_id=config_id, schedule=schedule, session=session
    )
    return deploy_validated(plan)


def deploy_validated(plan: WorkflowPlan) -> Dag:
    dag = plan.to_dag()
    with _Scheduler(plan) as scheduler:
        return scheduler.register_dag(dag, dag.schedule)


def list_runs(
    workflow: str | None = None, limit: int | None = None, session: Session | None = None
) -> list[RunRecord]:
    """Recorded runs, newest first; ``workflow`` is ``"namespace command"``."""
    return RunStore(_session(session).home).list(workflow, limit)


def get_run(run_id: str, session: Session | None = None) -> RunRecord:
    """One run record; a run handed to a scheduler that runs it elsewhere is
    brought up to date from that scheduler first."""
    from mason_core.workflows.remote import refresh_run

    s = _session(session)
    return refresh_run(s, RunStore(s.home).load(run_id))
