"""Clock steps: the clock of real ``mason scheduler`` processes jumps ahead
and comes back (NTP correcting a wrong clock), through Debian's ``faketime``
(installed for the tests session by noxfile.py). The run due after the step
back fires: a ``last_tick`` from the future is a clock stepped back, not a
reason to wait hours."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ._env import run_mason

OPERATORS = Path(__file__).resolve().parents[1] / "workflows" / "fixtures" / "operators"

WORKFLOW = """\
type: workflow
namespace: testing
command: tick
dag:
  - id: a
    namespace: testing
    command: echo
"""


def runs(home: Path) -> list[dict[str, object]]:
    done = run_mason("wf", "runs", "testing", "-o", "json", home=home)
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def test_a_tick_from_the_future_does_not_hide_the_next_due_run(tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is not installed: nox -s tests installs Debian's package")
    home = tmp_path / "home"
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "workflow.yaml").write_text(WORKFLOW, "utf-8")
    params = tmp_path / "p.yaml"
    params.write_text("a:\n  parameters:\n    message: hi\n", "utf-8")
    for path in (OPERATORS, tmp_path / "wf"):
        assert run_mason("register", str(path), home=home).returncode == 0
    deploy = run_mason(
        "wf", "testing", "tick", "-f", str(params), "-d", "--schedule", "* * * * *", home=home
    )
    assert deploy.returncode == 0, deploy.stderr

    # the clock jumps three hours ahead: the loop ticks and records that time
    jumped = run_mason("scheduler", "--once", home=home, prefix=[faketime, "-f", "+3h"])
    assert jumped.returncode == 0, jumped.stderr
    assert "testing_tick: run" in jumped.stdout
    state = json.loads((home / "scheduler" / "state.json").read_text("utf-8"))
    ahead = datetime.fromisoformat(state["last_tick"]) - datetime.now()
    assert timedelta(hours=2) < ahead < timedelta(hours=4)
    assert len(runs(home)) == 1

    # NTP steps it back: the run due this minute still fires
    back = run_mason("scheduler", "--once", home=home)
    assert back.returncode == 0, back.stderr
    assert "testing_tick: run" in back.stdout, back.stdout
    assert len(runs(home)) == 2
