"""Deploying to the local scheduler and the cron loop, driven by a controllable clock."""

from __future__ import annotations

import shutil
import stat
from datetime import datetime
from pathlib import Path

import pytest

from mason_core.engines import SchedulerEngine
from mason_core.errors import MasonUsageError, NotFoundError
from mason_core.operators.context import EngineSet
from mason_core.runtime import Session
from mason_core.workflows import deploy_workflow, list_runs
from mason_core.workflows.loop import SchedulerLoop
from mason_core.workflows.validation import WorkflowValidationError

from .conftest import MakeWorkflow, echo, step


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def local_scheduler(session: Session) -> SchedulerEngine:
    engines = EngineSet(session.registry, session.configs.get(), session.home)
    return engines.typed("scheduler", SchedulerEngine)


def test_deploy_registers_the_dag_with_its_schedule(
    make_workflow: MakeWorkflow, session: Session
) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    dag = deploy_workflow(
        "testing",
        "w",
        {"a": echo("x", token="s3cret-token"), "b": echo("y")},
        schedule="0 2 * * *",
    )
    assert dag.name == "testing_w"
    assert dag.schedule is not None and dag.schedule.expression == "0 2 * * *"
    scheduler = local_scheduler(session)
    (listed,) = scheduler.list_dags()
    assert [s.id for s in listed.steps] == ["a", "b"]
    assert listed.steps[1].dependencies == ["a"]
    stored = session.home.path / "clients" / "local" / "dags" / "testing_w.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # parameters may hold secrets
    scheduler.delete_dag("testing_w")
    assert scheduler.list_dags() == []
    with pytest.raises(NotFoundError, match="no dag 'testing_w'"):
        scheduler.delete_dag("testing_w")


def test_deploy_validates_the_schedule(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a")])
    with pytest.raises(WorkflowValidationError, match="schedule: schedule 'daily' must have 5"):
        deploy_workflow("testing", "w", {"a": echo("x")}, schedule="daily")


def test_trigger_runs_the_registered_dag_now(make_workflow: MakeWorkflow, session: Session) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    deploy_workflow("testing", "w", {"a": echo("x"), "b": echo("${steps.a.Message}y")})
    record = local_scheduler(session).trigger_dag("testing_w")
    assert record["status"] == "succeeded"
    assert record["steps"][1]["output"]["Data"][0]["Message"] == "xy"
    assert [r.run_id for r in list_runs()] == [record["run_id"]]
    with pytest.raises(NotFoundError):
        local_scheduler(session).trigger_dag("nothing_here")


def test_loop_fires_when_due_and_only_once(
    make_workflow: MakeWorkflow, session: Session, tmp_path: Path
) -> None:
    make_workflow("nightly", [step("a", "fail")])
    make_workflow("adhoc", [step("a")])
    deploy_workflow(
        "testing",
        "nightly",
        {"a": {"parameters": {"counter_file": str(tmp_path / "n"), "times": 0}}},
        schedule="30 2 * * *",
    )
    deploy_workflow("testing", "adhoc", {"a": echo("x")})  # no schedule: never fired
    clock = Clock(datetime(2024, 5, 1, 2, 29, 10))
    loop = SchedulerLoop(session, clock=clock)

    assert loop.tick() == []
    clock.now = datetime(2024, 5, 1, 2, 30, 5)
    (fired,) = loop.tick()
    assert fired.dag_name == "testing_nightly"
    assert fired.due == datetime(2024, 5, 1, 2, 30)
    assert fired.record is not None and fired.record["status"] == "succeeded"
    assert (tmp_path / "n").read_text() == "1"

    clock.now = datetime(2024, 5, 1, 2, 30, 50)
    assert loop.tick() == []  # same minute: not again
    # a new loop (a restart) remembers the last tick
    clock.now = datetime(2024, 5, 1, 3, 0)
    assert SchedulerLoop(session, clock=clock).tick() == []
    # missed days fire once, not once per missed day
    clock.now = datetime(2024, 5, 4, 12, 0)
    assert [f.dag_name for f in SchedulerLoop(session, clock=clock).tick()] == ["testing_nightly"]
    assert (tmp_path / "n").read_text() == "2"


def test_loop_waits_for_the_next_minute_between_ticks(
    make_workflow: MakeWorkflow, session: Session
) -> None:
    make_workflow("often", [step("a")])
    deploy_workflow("testing", "often", {"a": echo("x")}, schedule="*/2 * * * *")
    clock = Clock(datetime(2024, 5, 1, 10, 0, 15))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now = datetime(2024, 5, 1, 10, clock.now.minute + 1, 0)

    fired = SchedulerLoop(session, clock=clock, sleep=sleep).run(max_ticks=4)
    assert waits == [45.0, 60.0, 60.0]
    assert [f.due.minute for f in fired] == [0, 2]


def test_a_broken_deployment_is_reported_and_the_loop_goes_on(
    make_workflow: MakeWorkflow, session: Session
) -> None:
    make_workflow("w", [step("a")])
    deploy_workflow("testing", "w", {"a": echo("x")}, schedule="* * * * *")
    # the operator disappears after deployment
    shutil.rmtree(session.home.registered_operators / "testing" / "echo")
    session.reload()
    (fired,) = SchedulerLoop(session, clock=Clock(datetime(2024, 1, 1, 0, 0))).tick()
    assert fired.record is None
    assert fired.error is not None and "unknown operator 'testing echo'" in fired.error


def test_loop_with_an_unknown_configuration_is_a_usage_error(session: Session) -> None:
    with pytest.raises(MasonUsageError, match="unknown configuration id 'glue'"):
        SchedulerLoop(session, config_id="glue").tick()
