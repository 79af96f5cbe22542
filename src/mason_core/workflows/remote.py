"""Following a run on a scheduler that runs DAGs elsewhere (Airflow).

Such a scheduler serves ``get_dag_run``: after ``trigger_dag`` (whose result
names the run's ``run_id``) Mason polls it and copies each step's state into the
run record, so ``mason wf -r`` shows the run as it goes and ends with its
outcome, and ``mason wf status`` brings a record left ``triggered`` up to date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason_core.engines import SchedulerEngine
from mason_core.errors import MasonError
from mason_core.models import DagRun
from mason_core.secrets import scrub
from mason_core.workflows.records import RunRecord, RunStore, StepRecord

if TYPE_CHECKING:
    from mason_core.runtime import Session
    from mason_core.workflows.runner import RunOptions


def follows_runs(scheduler: SchedulerEngine) -> bool:
    return "get_dag_run" in type(scheduler).served_verbs()


def apply_dag_run(record: RunRecord, run: DagRun) -> list[StepRecord]:
    """Copy the scheduler's view into ``record``; returns the steps that changed."""
    changed: list[StepRecord] = []
    by_id = {s.id: s for s in record.steps}
    for seen in run.steps:
        step = by_id.get(seen.id)
        if step is None:
            continue
        before = (step.status, step.attempts, step.error)
        step.status = seen.status
        step.attempts = seen.attempts
        step.started_at = seen.started_at
        step.finished_at = seen.finished_at
        step.error = scrub(seen.error) if seen.error else None
        if seen.output is not None:
            step.output = seen.output
        if seen.started_at and seen.finished_at:
            step.duration_seconds = round((seen.finished_at - seen.started_at).total_seconds(), 6)
        if (step.status, step.attempts, step.error) != before:
            changed.append(step)
    if run.finished:
        record.status = "succeeded" if run.status == "succeeded" else "failed"
        record.finished_at = run.finished_at
        if run.started_at and run.finished_at:
            record.duration_seconds = (run.finished_at - run.started_at).total_seconds()
        if run.error:
            record.errors = [scrub(run.error)]
    return changed


def follow_run(
    scheduler: SchedulerEngine, record: RunRecord, store: RunStore, options: RunOptions
) -> RunRecord:
    """Poll the scheduler until the run ends, saving the record as it changes."""
    assert record.scheduler_run_id is not None
    while True:
        try:
            run = scheduler.get_dag_run(record.dag_name, record.scheduler_run_id)
        except MasonError as exc:
            # losing sight of the run does not stop it: say where it goes on
            exc.message = (
                f"{exc.message}; run {record.run_id} goes on in scheduler "
                f"'{record.scheduler}': `mason wf status {record.run_id}` follows it up"
            )
            raise
        changed = apply_dag_run(record, run)
        if options.listener is not None:
            for step in changed:
                options.listener.update(record, step)
        if changed or run.finished:
            store.save(record)
        if run.finished:
            if options.listener is not None:
                options.listener.update(record, None)
            return record
        options.sleep(options.poll_seconds)


def refresh_run(session: Session, record: RunRecord) -> RunRecord:
    """A ``triggered`` record brought up to date from its scheduler."""
    if record.status != "triggered" or record.scheduler_run_id is None:
        return record
    from mason_core.operators.context import EngineSet

    config = session.configs.get(record.config_id)
    chosen = {"scheduler": record.scheduler} if record.scheduler else {}
    engines = EngineSet(session.registry, config, session.home, chosen)
    try:
        scheduler = engines.typed("scheduler", SchedulerEngine)
        if not follows_runs(scheduler):
            return record
        apply_dag_run(record, scheduler.get_dag_run(record.dag_name, record.scheduler_run_id))
    finally:
        engines.close()
    RunStore(session.home).save(record)
    return record
