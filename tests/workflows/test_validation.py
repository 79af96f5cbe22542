"""Validation (the dry run): every problem collected, each naming its step."""

from __future__ import annotations

from pathlib import Path

import pytest

from mason_core.errors import MasonUsageError
from mason_core.runtime import Session
from mason_core.workflows import WorkflowValidationError, validate_workflow

from .conftest import MakeWorkflow, echo, step


def problems(command: str, params: object, **kwargs: object) -> list[str]:
    with pytest.raises(WorkflowValidationError) as info:
        validate_workflow("testing", command, params, **kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code == 2
    return info.value.problems


def test_valid_workflow_plans_steps_in_execution_order(make_workflow: MakeWorkflow) -> None:
    make_workflow(
        "diamond",
        [step("d", "echo", "b", "c"), step("b", "echo", "a"), step("c", "echo", "a"), step("a")],
    )
    params = {s: echo(s) for s in "abcd"}
    plan = validate_workflow("testing", "diamond", params)
    assert plan.order == ["a", "b", "c", "d"]
    rows = plan.rows()
    assert [r["step"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[3]["dependencies"] == ["b", "c"]
    assert rows[0]["operator"] == "testing echo"
    assert rows[0]["config_id"] == plan.config.id
    assert plan.scheduler == "local"


def test_unknown_dependency(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "nope")])
    assert problems("w", {"a": echo("x"), "b": echo("y")}) == ["b: depends on unknown step 'nope'"]


def test_cycle_names_its_steps(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a", "echo", "c"), step("b", "echo", "a"), step("c", "echo", "b")])
    found = problems("w", {s: echo(s) for s in "abc"})
    assert len(found) == 1
    assert found[0].startswith("a: dependency cycle a -> ")
    assert "c" in found[0] and "b" in found[0]


def test_self_dependency_is_a_cycle(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a", "echo", "a")])
    assert problems("w", {"a": echo("x")}) == ["a: dependency cycle a -> a"]


def test_duplicate_step_ids(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("a")])
    assert problems("w", {"a": echo("x")}) == ["a: duplicate step id (declared 2 times)"]


def test_unknown_operator(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a", "nothing")])
    (problem,) = problems("w", {})
    assert problem.startswith("a: unknown operator 'testing nothing'")


def test_step_parameters_checked_against_the_operator(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b"), step("c", "sleep")])
    found = problems(
        "w",
        {
            "a": {"parameters": {}},
            "b": {"parameters": {"message": "m", "colour": "red"}},
            "c": {"parameters": {"seconds": "soon"}},
        },
    )
    assert found == [
        "a: operator 'testing echo': missing required parameter message",
        "b: operator 'testing echo': unknown parameter colour (accepted: message, items, "
        "count, token)",
        "c: operator 'testing sleep': parameter 'seconds': expected a number, got 'soon'",
    ]


def test_unknown_configuration_and_unsupported_configuration(
    make_workflow: MakeWorkflow, session: Session, tmp_path: Path
) -> None:
    glue_only = tmp_path / "ops" / "glue_only"
    glue_only.mkdir(parents=True)
    (glue_only / "operator.yaml").write_text(
        "type: operator\nnamespace: testing\ncommand: glue_only\n"
        "supported_configurations:\n  - metastore: glue\n"
    )
    from mason_core.register import register_path

    register_path(session.home, glue_only)
    make_workflow("w", [step("a"), step("b", "glue_only")])
    found = problems("w", {"a": {"config_id": "7", "parameters": {"message": "m"}}})
    assert found[0].startswith("a: unknown configuration id '7'")
    assert found[1].startswith("b: operator 'testing glue_only' does not support configuration")
    assert "metastore needs client 'glue'" in found[1]


def test_scheduler_must_be_supported(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a")], supported_schedulers=["glue", "airflow"])
    (problem,) = problems("w", {"a": echo("x")})
    assert problem.startswith("workflow: workflow 'testing w' does not support configuration")
    assert "scheduler needs client 'glue' but configuration has local" in problem


def test_bad_retry_method_and_retry_max(make_workflow: MakeWorkflow) -> None:
    make_workflow(
        "w",
        [step("a", retry_method="linear(3)", retry_max=2), step("b", retry_max=-1)],
    )
    assert problems("w", {"a": echo("x"), "b": echo("y")}) == [
        "a: retry_method 'linear(3)' is not 'exponential(SECONDS)' or 'fixed(SECONDS)'",
        "b: retry_max must be 0 or more, got -1",
    ]


def test_parameters_for_unknown_steps_and_bad_shapes(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b")])
    found = problems("w", {"a": ["not", "a", "mapping"], "b": {"params": {}}, "zz": echo("z")})
    assert "a: expected a mapping with config_id and parameters" in found
    assert "b: unknown key params (a step takes config_id and parameters)" in found
    assert "zz: parameters given for a step that is not in the dag" in found


def test_references_to_unknown_non_ancestor_and_malformed(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b"), step("c", "echo", "a")])
    found = problems(
        "w",
        {
            "a": echo("${steps.c.Message}"),  # a later step
            "b": echo("${steps.a.Message}"),  # a sibling, not an ancestor
            "c": echo("${steps.ghost.Message} and ${steps.a.}"),
        },
    )
    assert found == [
        "a: parameter 'message' references step 'c', which is not an ancestor of 'a' "
        "(add it to dependencies)",
        "b: parameter 'message' references step 'a', which is not an ancestor of 'b' "
        "(add it to dependencies)",
        "c: parameter 'message': malformed step reference in '${steps.ghost.Message} and "
        "${steps.a.}' (expected ${steps.STEP_ID.path})",
        "c: parameter 'message' references unknown step 'ghost'",
    ]


def test_reference_through_a_transitive_ancestor_is_valid(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a"), step("c", "echo", "b")])
    plan = validate_workflow(
        "testing", "w", {"a": echo("x"), "b": echo("y"), "c": echo("${steps.a.Message}")}
    )
    assert plan.steps["c"].typed is None  # resolved at run time
    assert plan.steps["b"].typed == {"message": "y", "items": None, "count": None, "token": None}


def test_every_problem_in_one_report(make_workflow: MakeWorkflow) -> None:
    make_workflow(
        "w",
        [step("a", "echo", "missing"), step("a"), step("b", "nothing"), step("c", "echo", "c")],
        supported_schedulers=["glue"],
    )
    found = problems("w", {"c": {"parameters": {}}}, schedule="every day")
    text = "\n".join(found)
    for expected in (
        "a: duplicate step id",
        "a: depends on unknown step 'missing'",
        "c: dependency cycle c -> c",
        "b: unknown operator 'testing nothing'",
        "c: operator 'testing echo': missing required parameter message",
        "workflow: workflow 'testing w' does not support configuration",
    ):
        assert expected in text, expected


def test_bad_schedule_is_reported(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a")])
    (problem,) = problems("w", {"a": echo("x")}, schedule="61 * * * *")
    assert problem == "schedule: cron minute: 61 is outside 0-59"


def test_unknown_workflow_is_a_usage_error(session: Session) -> None:
    with pytest.raises(MasonUsageError, match="unknown workflow 'testing nope'"):
        validate_workflow("testing", "nope", {})


def test_parameters_file(make_workflow: MakeWorkflow, tmp_path: Path) -> None:
    make_workflow("w", [step("step_1")])
    params = tmp_path / "params.yaml"
    params.write_text("step_1:\n  config_id: default\n  parameters:\n    message: from file\n")
    plan = validate_workflow("testing", "w", params)
    assert plan.steps["step_1"].given == {"message": "from file"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("step_1: [unclosed\n")
    with pytest.raises(MasonUsageError, match="not valid YAML"):
        validate_workflow("testing", "w", bad)


def test_secret_parameters_are_redacted_in_the_plan(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a")])
    plan = validate_workflow("testing", "w", {"a": echo("hi", token="hunter2-secret")})
    assert plan.rows()[0]["parameters"] == {"message": "hi", "token": "REDACTED"}
