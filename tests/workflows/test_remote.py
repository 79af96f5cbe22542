"""Runs on schedulers that run DAGs elsewhere: the scheduler's view of a run
(``DagRun``) copied into Mason's run record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mason_core.errors import MasonRuntimeError
from mason_core.home import MasonHome
from mason_core.models import DagRun, DagRunStep
from mason_core.secrets import remember
from mason_core.workflows.records import RunRecord, RunStore, StepRecord
from mason_core.workflows.remote import apply_dag_run, follow_run
from mason_core.workflows.runner import RunOptions

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def record() -> RunRecord:
    return RunRecord(
        run_id="r1",
        workflow="table validated_infer",
        namespace="table",
        command="validated_infer",
        dag_name="table_validated_infer",
        status="triggered",
        scheduler="airflow",
        scheduler_run_id="manual__1",
        steps=[
            StepRecord(id="a", operator="table infer"),
            StepRecord(id="b", operator="table get"),
        ],
    )


def test_a_running_run_updates_steps_and_stays_triggered() -> None:
    rec = record()
    run = DagRun(
        dag_name="table_validated_infer",
        run_id="manual__1",
        status="running",
        steps=[DagRunStep(id="a", status="running", attempts=1, started_at=T0)],
    )
    changed = apply_dag_run(rec, run)
    assert [s.id for s in changed] == ["a"]
    assert rec.step("a").status == "running" and rec.step("a").attempts == 1
    assert rec.step("b").status == "pending"
    assert rec.status == "triggered"  # never "running": no local process runs it
    assert apply_dag_run(rec, run) == []  # nothing new


def test_a_finished_run_ends_the_record_with_outputs_and_scrubbed_errors() -> None:
    remember("hunter2-secret")
    rec = record()
    end = T0 + timedelta(seconds=5)
    run = DagRun(
        dag_name="table_validated_infer",
        run_id="manual__1",
        status="failed",
        started_at=T0,
        finished_at=end,
        steps=[
            DagRunStep(
                id="a",
                status="succeeded",
                attempts=1,
                started_at=T0,
                finished_at=end,
                output={"Errors": [], "Info": [], "Warnings": [], "Data": [{"Name": "sales"}]},
            ),
            DagRunStep(id="b", status="failed", attempts=2, error="bad password hunter2-secret"),
        ],
        error="b: bad password hunter2-secret",
    )
    apply_dag_run(rec, run)
    assert rec.status == "failed"
    assert rec.duration_seconds == 5.0 and rec.finished_at == end
    assert rec.step("a").output is not None and rec.step("a").output["Data"] == [{"Name": "sales"}]
    assert rec.step("a").duration_seconds == 5.0
    assert rec.step("b").error == "bad password REDACTED"
    assert rec.errors == ["b: bad password REDACTED"]


class _Unreachable:
    """A scheduler that answers once, then cannot be reached (Airflow's API
    going away while ``mason wf -r`` follows a run)."""

    def __init__(self) -> None:
        self.calls = 0

    def get_dag_run(self, dag_name: str, run_id: str) -> DagRun:
        self.calls += 1
        if self.calls > 1:
            raise MasonRuntimeError("airflow: cannot reach http://127.0.0.1:9/api/v2")
        return DagRun(
            dag_name=dag_name,
            run_id=run_id,
            status="running",
            steps=[DagRunStep(id="a", status="running", attempts=1, started_at=T0)],
        )


def test_losing_the_scheduler_while_following_says_the_run_goes_on(tmp_path: Path) -> None:
    store = RunStore(MasonHome(tmp_path))
    rec = record()
    store.save(rec)
    scheduler: Any = _Unreachable()
    with pytest.raises(MasonRuntimeError) as lost:
        follow_run(scheduler, rec, store, RunOptions(sleep=lambda _: None))
    assert str(lost.value) == (
        "airflow: cannot reach http://127.0.0.1:9/api/v2; run r1 goes on in scheduler "
        "'airflow': `mason wf status r1` follows it up"
    )
    kept = store.load("r1")  # what was seen before is kept, still triggered
    assert kept.status == "triggered" and kept.step("a").status == "running"
