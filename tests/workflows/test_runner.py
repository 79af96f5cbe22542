"""Running on the local scheduler: parallel branches, retries with backoff,
failures that skip dependents, resume, step-output references, definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mason_core.errors import MasonUsageError
from mason_core.runtime import Session
from mason_core.workflows import get_run, list_runs, run_workflow

from .conftest import MakeWorkflow, echo, step


def counter(tmp_path: Path, name: str, times: int) -> dict[str, object]:
    return {"parameters": {"counter_file": str(tmp_path / name), "times": times}}


def attempts_in(tmp_path: Path, name: str) -> int:
    return int((tmp_path / name).read_text())


def test_run_records_every_step_atomically_in_mason_home(
    make_workflow: MakeWorkflow, session: Session
) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    record = run_workflow("testing", "w", {"a": echo("one"), "b": echo("two")})
    assert record.status == "succeeded"
    assert [(s.id, s.status, s.attempts) for s in record.steps] == [
        ("a", "succeeded", 1),
        ("b", "succeeded", 1),
    ]
    saved = json.loads((session.home.runs / f"{record.run_id}.json").read_text())
    assert saved["status"] == "succeeded"
    assert saved["steps"][1]["output"]["Data"] == [{"Message": "two", "Items": [], "Count": None}]
    assert saved["steps"][0]["started_at"] and saved["steps"][0]["finished_at"]
    assert not list(session.home.runs.glob(".*.tmp"))  # no temporary files left behind
    assert get_run(record.run_id).steps[0].output == record.steps[0].output
    assert [r.run_id for r in list_runs()] == [record.run_id]


def test_retries_back_off_exponentially_until_success(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow("w", [step("a", "fail", retry_method="exponential(5)", retry_max=3)])
    waits: list[float] = []
    record = run_workflow("testing", "w", {"a": counter(tmp_path, "n", 2)}, sleep=waits.append)
    assert record.status == "succeeded"
    assert waits == [5.0, 10.0]
    assert record.step("a").attempts == 3
    assert record.step("a").output["Data"] == [{"Attempt": 3}]  # type: ignore[index]


def test_fixed_backoff_gives_up_after_retry_max(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow("w", [step("a", "fail", retry_method="fixed(7)", retry_max=2)])
    waits: list[float] = []
    record = run_workflow("testing", "w", {"a": counter(tmp_path, "n", 99)}, sleep=waits.append)
    assert record.status == "failed"
    assert waits == [7.0, 7.0]
    assert attempts_in(tmp_path, "n") == 3
    assert record.step("a").error == "planned failure on attempt 3"


def test_failure_skips_dependents_while_an_independent_branch_completes(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow(
        "w",
        [
            step("bad", "fail"),
            step("after_bad", "echo", "bad"),
            step("after_after", "echo", "after_bad"),
            step("good"),
            step("after_good", "echo", "good"),
        ],
    )
    record = run_workflow(
        "testing",
        "w",
        {
            "bad": counter(tmp_path, "n", 1),
            "after_bad": echo("x"),
            "after_after": echo("y"),
            "good": echo("g"),
            "after_good": echo("${steps.good.Message}!"),
        },
        parallel=2,
    )
    statuses = {s.id: s.status for s in record.steps}
    assert statuses == {
        "bad": "failed",
        "after_bad": "skipped",
        "after_after": "skipped",
        "good": "succeeded",
        "after_good": "succeeded",
    }
    assert record.status == "failed"
    assert record.step("after_after").error == "dependency 'bad' failed"
    assert record.step("after_good").output["Data"][0]["Message"] == "g!"  # type: ignore[index]


def test_independent_steps_overlap_only_when_parallel(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a", "sleep"), step("b", "sleep")])
    params = {"a": {"parameters": {"seconds": 0.3}}, "b": {"parameters": {"seconds": 0.3}}}

    def spans(parallel: int) -> list[tuple[float, float]]:
        record = run_workflow("testing", "w", params, parallel=parallel)
        return [
            (s.output["Data"][0]["Start"], s.output["Data"][0]["End"])  # type: ignore[index]
            for s in record.steps
        ]

    (a1, a2), (b1, b2) = spans(2)
    assert a1 < b2 and b1 < a2  # both were sleeping at once
    (a1, a2), (b1, b2) = spans(1)
    assert a2 <= b1 or b2 <= a1  # one after the other


def test_resume_reruns_only_failed_and_skipped_steps(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow(
        "w",
        [step("first", "fail"), step("flaky", "fail", "first"), step("last", "echo", "flaky")],
    )
    params = {
        "first": counter(tmp_path, "first", 0),
        "flaky": counter(tmp_path, "flaky", 1),
        "last": echo("flaky took ${steps.flaky.Attempt} attempts"),
    }
    failed = run_workflow("testing", "w", params)
    assert [s.status for s in failed.steps] == ["succeeded", "failed", "skipped"]

    resumed = run_workflow("testing", "w", params, resume=failed.run_id)
    assert resumed.status == "succeeded"
    assert resumed.resumed_from == failed.run_id
    assert resumed.run_id != failed.run_id
    assert attempts_in(tmp_path, "first") == 1  # not run again: its output was reused
    assert resumed.step("first").reused_from == failed.run_id
    assert resumed.step("first").output == failed.step("first").output
    assert attempts_in(tmp_path, "flaky") == 2
    assert resumed.step("last").output["Data"][0]["Message"] == "flaky took 2 attempts"  # type: ignore[index]
    assert get_run(failed.run_id).status == "failed"  # the earlier record is kept as it was


def test_resume_of_another_workflow_is_refused(make_workflow: MakeWorkflow) -> None:
    make_workflow("one", [step("a")])
    make_workflow("two", [step("a")])
    first = run_workflow("testing", "one", {"a": echo("x")})
    with pytest.raises(MasonUsageError, match="is of workflow 'testing one'"):
        run_workflow("testing", "two", {"a": echo("x")}, resume=first.run_id)
    with pytest.raises(MasonUsageError, match="unknown run id 'nope'"):
        run_workflow("testing", "one", {"a": echo("x")}, resume="nope")


def test_references_keep_types_and_interpolate_text(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    record = run_workflow(
        "testing",
        "w",
        {
            "a": echo("hello", items=["x", "y"], count=2),
            "b": {
                "parameters": {
                    "message": "${steps.a.data[0].Message} world (${steps.a.info[0]})",
                    "items": "${steps.a.Items}",
                    "count": "${steps.a.count}",
                }
            },
        },
    )
    data = record.step("b").output["Data"][0]  # type: ignore[index]
    assert data == {"Message": "hello world (echo hello)", "Items": ["x", "y"], "Count": 2}


def test_reference_to_missing_output_fails_the_step(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a", retry_max=3)])
    waits: list[float] = []
    record = run_workflow(
        "testing",
        "w",
        {"a": echo("x"), "b": echo("${steps.a.data[5].Message}")},
        sleep=waits.append,
    )
    assert record.step("b").status == "failed"
    assert record.step("b").attempts == 1  # not retried: it cannot get better
    assert record.step("b").error == ("${steps.a.data[5].Message}: steps.a.data has no item [5]")


DEFINITION = """
from mason_core.workflows import WorkflowDefinition


class TestingDecides(WorkflowDefinition):
    def step(self, current, next):
        message = current.data[0]["Message"]
        if message == "fail me":
            return current.failed("the definition refused " + current.id)
        if next.id == "cleanup" and message == "all good":
            return next.skip("nothing to clean up")
        return next
"""


def test_definition_skips_a_branch_without_failing_the_run(make_workflow: MakeWorkflow) -> None:
    make_workflow(
        "decides",
        [
            step("check"),
            step("cleanup", "echo", "check"),
            step("after", "echo", "cleanup"),
            step("report", "echo", "check"),
        ],
        definition=DEFINITION,
    )
    params = {
        "check": echo("all good"),
        "cleanup": echo("c"),
        "after": echo("a"),
        "report": echo("r"),
    }
    record = run_workflow("testing", "decides", params)
    assert record.status == "succeeded"
    assert {s.id: s.status for s in record.steps} == {
        "check": "succeeded",
        "cleanup": "skipped",
        "after": "skipped",
        "report": "succeeded",
    }
    assert record.step("cleanup").error == "nothing to clean up"


def test_definition_can_fail_the_finished_step(make_workflow: MakeWorkflow) -> None:
    make_workflow("decides", [step("check"), step("next", "echo", "check")], definition=DEFINITION)
    record = run_workflow("testing", "decides", {"check": echo("fail me"), "next": echo("n")})
    assert record.status == "failed"
    assert record.step("check").status == "failed"
    assert record.step("check").error == "the definition refused check"
    assert record.step("next").status == "skipped"


def test_secrets_never_reach_the_record(make_workflow: MakeWorkflow, session: Session) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    record = run_workflow(
        "testing", "w", {"a": echo("x", token="hunter2-secret"), "b": echo("hunter2-secret")}
    )
    text = (session.home.runs / f"{record.run_id}.json").read_text()
    assert "hunter2-secret" not in text
    assert record.step("a").parameters["token"] == "REDACTED"
    assert record.step("b").output["Data"][0]["Message"] == "REDACTED"  # type: ignore[index]


def test_parallel_steps_of_an_operator_never_loaded_before(
    make_workflow: MakeWorkflow, session: Session, tmp_path: Path
) -> None:
    """Several threads must not race to import a folder operator's code."""
    folder = tmp_path / "ops" / "first_use"
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(
        "type: operator\nnamespace: testing\ncommand: first_use\nparameters:\n  required: [value]\n"
    )
    (folder / "__init__.py").write_text(
        "import time\n\nfrom mason import OperatorDefinition\n\ntime.sleep(0.05)\n\n\n"
        "class TestingFirstUse(OperatorDefinition):\n"
        "    def run(self, ctx):\n        return {'Value': ctx.params['value']}\n"
    )
    from mason_core.register import register_path

    register_path(session.home, folder)
    ids = [f"s{i}" for i in range(6)]
    make_workflow("many", [step(i, "first_use") for i in ids])
    record = run_workflow(
        "testing", "many", {i: {"parameters": {"value": i}} for i in ids}, parallel=6
    )
    assert [s.status for s in record.steps] == ["succeeded"] * 6
