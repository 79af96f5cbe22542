"""``mason wf`` and ``mason scheduler`` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from mason_core.cli.app import app
from mason_core.runtime import Session

from .conftest import MakeWorkflow, echo, step


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, data: object) -> str:
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_wf_lists_workflows(make_workflow: MakeWorkflow) -> None:
    make_workflow("w", [step("a")], description="one echo")
    for name in ("wf", "workflow"):
        code, out, _ = invoke(name, "--output", "json")
        assert code == 0
        rows = [r for r in json.loads(out) if r["namespace"] == "testing"]
        assert rows == [
            {
                "namespace": "testing",
                "command": "w",
                "description": "one echo",
                "steps": 1,
                "schedulers": "any",
                "plugin": "registered",
            }
        ]


def test_dry_run_is_the_default_and_prints_the_plan(
    make_workflow: MakeWorkflow, session: Session, tmp_path: Path
) -> None:
    make_workflow("w", [step("b", "echo", "a"), step("a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x", token="t0ps3cret"), "b": echo("y")})
    code, out, _ = invoke("wf", "testing", "w", "-f", params, "-o", "json")
    assert code == 0
    envelope = json.loads(out)
    assert envelope["Errors"] == []
    assert "Performing dry run" in envelope["Info"][0]
    assert [r["step"] for r in envelope["Data"]] == ["a", "b"]
    assert envelope["Data"][0]["parameters"] == {"message": "x", "token": "REDACTED"}
    assert "t0ps3cret" not in out
    assert not session.home.runs.exists() or not list(session.home.runs.iterdir())


def test_invalid_workflow_exits_2_with_one_line(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow("w", [step("a", "echo", "ghost")])
    code, out, err = invoke("wf", "testing", "w", "-f", write(tmp_path / "p.yaml", {}))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: workflow 'testing w' is invalid (2 problems): ")
    assert "a: depends on unknown step 'ghost'" in lines[0]
    assert "Traceback" not in err
    code, _, err = invoke("wf", "testing", "nope", "-f", "missing.yaml")
    assert code == 2 and err.startswith("error: unknown workflow 'testing nope'")


def test_run_then_runs_status_and_resume(make_workflow: MakeWorkflow, tmp_path: Path) -> None:
    make_workflow("w", [step("a", "fail"), step("b", "echo", "a")])
    params = write(
        tmp_path / "p.yaml",
        {
            "a": {"parameters": {"counter_file": str(tmp_path / "n"), "times": 1}},
            "b": echo("after ${steps.a.Attempt}"),
        },
    )
    code, out, _ = invoke("wf", "testing", "w", "-f", params, "-r", "-o", "json")
    assert code == 1
    envelope = json.loads(out)
    assert envelope["Errors"] == ["a: planned failure on attempt 1"]
    run = envelope["Data"][0]
    assert [s["status"] for s in run["steps"]] == ["failed", "skipped"]

    code, out, _ = invoke("wf", "runs", "-o", "json")
    assert code == 0
    assert [r["run_id"] for r in json.loads(out)] == [run["run_id"]]

    code, out, _ = invoke("wf", "status", run["run_id"], "-o", "json")
    assert code == 1 and json.loads(out)["Data"][0]["status"] == "failed"

    code, out, _ = invoke(
        "wf", "testing", "w", "-f", params, "--resume", run["run_id"], "-o", "json"
    )
    assert code == 0
    resumed = json.loads(out)["Data"][0]
    assert resumed["resumed_from"] == run["run_id"]
    assert resumed["steps"][1]["output"]["Data"][0]["Message"] == "after 2"

    code, _, err = invoke("wf", "status", "no-such-run")
    assert code == 2 and err.startswith("error: unknown run id 'no-such-run'")


def test_run_prints_plain_step_lines_when_not_a_terminal(
    make_workflow: MakeWorkflow, tmp_path: Path
) -> None:
    make_workflow("w", [step("a"), step("b", "echo", "a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x"), "b": echo("y")})
    code, out, err = invoke(
        "wf", "testing", "w", "-f", params, "-r", "-o", "table", "--parallel", "2"
    )
    assert code == 0
    assert "a [testing echo] running (attempt 1)" in err
    assert "b [testing echo] succeeded" in err
    assert "of testing w: succeeded (2 succeeded)" in out
    code, out, err = invoke("wf", "testing", "w", "-f", params, "-r", "-o", "json")
    assert code == 0 and err == ""  # nothing extra with json output
    assert json.loads(out)["Data"][0]["status"] == "succeeded"


def test_deploy_then_scheduler_once_fires_it(make_workflow: MakeWorkflow, tmp_path: Path) -> None:
    make_workflow("w", [step("a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x")})
    code, _, err = invoke("wf", "testing", "w", "-f", params, "-d", "--schedule", "bad cron")
    assert code == 2 and "schedule 'bad cron' must have 5 fields" in err
    code, out, _ = invoke("wf", "testing", "w", "-f", params, "-d", "--schedule", "* * * * *")
    assert code == 0
    assert "Registered workflow dag 'testing_w' with scheduler 'local' on schedule" in out
    code, out, _ = invoke("scheduler", "--once")
    assert code == 0
    assert "testing_w: run " in out and out.strip().endswith("succeeded")
    code, out, _ = invoke("wf", "runs", "testing", "-o", "json")
    assert len(json.loads(out)) == 1


def test_parallel_must_be_positive(make_workflow: MakeWorkflow, tmp_path: Path) -> None:
    make_workflow("w", [step("a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x")})
    code, _, err = invoke("wf", "testing", "w", "-f", params, "-r", "--parallel", "0")
    assert code == 2 and "--parallel" in err


def test_run_shows_a_live_table_on_a_terminal(make_workflow: MakeWorkflow, tmp_path: Path) -> None:
    """On a real pty the steps are drawn as a table redrawn as they change."""
    from tests.terminal import run_in_pty

    make_workflow("w", [step("a"), step("b", "echo", "a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x"), "b": echo("y")})
    code, screen = run_in_pty(["wf", "testing", "w", "-f", params, "-r", "-o", "table"])
    assert code == 0, screen
    assert "testing w  run " in screen  # the live table's title
    assert "│ a " in screen and "│ b " in screen
    assert "a [testing echo] running" not in screen  # not the plain-lines view
    assert "of testing w: succeeded (2 succeeded)" in screen


def test_a_killed_run_is_reported_interrupted_and_resumes(
    make_workflow: MakeWorkflow, tmp_path: Path, session: Session
) -> None:
    """SIGKILL a real ``mason wf -r`` mid-step: its record must not claim to be
    running forever, and ``--resume`` reruns what did not finish."""
    import signal
    import subprocess
    import sys
    import time

    make_workflow("slow", [step("a"), step("b", "sleep", "a")])
    params = write(tmp_path / "p.yaml", {"a": echo("x"), "b": {"parameters": {"seconds": 60}}})
    proc = subprocess.Popen(
        [sys.executable, "-m", "mason", "wf", "testing", "slow", "-f", params, "-r", "-o", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runs = session.home.runs
    deadline = time.monotonic() + 60
    record: dict[str, object] = {}
    while time.monotonic() < deadline:
        files = list(runs.glob("*.json")) if runs.is_dir() else []
        if files:
            record = json.loads(files[0].read_text())
            steps = record["steps"]
            assert isinstance(steps, list)
            if steps[1]["status"] == "running":
                break
        time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError(f"step b never started: {record}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    run_id = str(record["run_id"])

    code, out, _ = invoke("wf", "status", run_id, "-o", "json")
    shown = json.loads(out)["Data"][0]
    assert code == 1
    assert shown["status"] == "interrupted"
    assert "ended before it finished" in shown["errors"][-1]

    fast = write(tmp_path / "fast.yaml", {"a": echo("x"), "b": {"parameters": {"seconds": 0}}})
    code, out, _ = invoke("wf", "testing", "slow", "-f", fast, "--resume", run_id, "-o", "json")
    assert code == 0
    resumed = json.loads(out)["Data"][0]
    assert resumed["steps"][0]["reused_from"] == run_id
    assert resumed["steps"][1]["status"] == "succeeded"
