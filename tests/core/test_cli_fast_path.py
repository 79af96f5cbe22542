"""``mason op NS CMD ...`` without Typer (mason_core.cli.run): the plain calls it
takes, the ones it leaves to Typer, and the same answers both ways."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mason_core.cli.output import OutputFormat
from mason_core.cli.run import RunRequest, run_request


def test_a_plain_call_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASON_UNKNOWN_PARAMS", raising=False)
    args = ["op", "table", "get", "-p", "database_name:w", "-c", "x", "--output=json"]
    assert run_request([*args, "--validate", "-f", "p.yaml", "--unknown-params", "warn"]) == (
        RunRequest("table", "get", "database_name:w", Path("p.yaml"), "x", OutputFormat.json,
                   True, "warn")
    )  # fmt: skip
    monkeypatch.setenv("MASON_UNKNOWN_PARAMS", "warn")
    request = run_request(["operator", "table", "get", "--parameters", "a:1", "-o", "table"])
    assert request is not None and request.unknown_mode == "warn"
    assert request.output is OutputFormat.table and request.params == "a:1"


@pytest.mark.parametrize(
    "args",
    [
        ["op", "table"],  # a listing
        ["op", "table", "get", "--help"],
        ["op", "table", "get", "-p", "a:1", "-p", "b:2"],  # repeated
        ["op", "table", "get", "-p"],  # no value
        ["op", "table", "get", "-p", "--validate"],  # an option where the value belongs
        ["op", "table", "get", "-o", "yaml"],
        ["op", "table", "get", "--unknown-params", "ignore"],
        ["op", "table", "get", "--bogus"],
        ["op", "-p", "a:1", "get"],
        ["--debug", "op", "table", "get"],
        ["wf", "table", "infer"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert run_request(args) is None


def _mason(entry: str, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MASON_HOME=str(home))
    env.pop("MASON_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", f"from mason_core.cli.{entry} import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_both_ways_answer_alike(tmp_path: Path) -> None:
    """The same calls through the console script (no Typer) and through the
    Typer application: the same exit codes, error lines and data."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "part-0.csv").write_text("id,name\n1,anvil\n2,crate\n")
    home = tmp_path / "home"
    infer = ["op", "table", "infer", "-p", f'storage_path:"{data}",database_name:w,table_name:t']
    assert _mason("entry", [*infer, "-o", "json"], home).returncode == 0
    calls = [
        ["op", "table", "get", "-p", "database_name:w,table_name:t", "-o", "json"],
        ["op", "table", "get", "-p", "database_name:w", "-o", "json"],  # missing parameter
        ["op", "table", "get", "-p", "database_name:w,table_name:nope", "-o", "json"],
        ["op", "table", "nope", "-p", "a:1"],
        ["op", "table", "get", "-p", "database_name:w,table_name:t", "-c", "nope"],
        ["op", "table", "get", "-p", "database_name:w,table_name:t", "--validate", "-o", "json"],
    ]
    for args in calls:
        fast, typer = _mason("entry", args, home), _mason("app", args, home)
        assert (fast.returncode, fast.stderr) == (typer.returncode, typer.stderr), args
        if fast.stdout.startswith("{"):
            assert json.loads(fast.stdout)["Data"] == json.loads(typer.stdout)["Data"], args
        else:
            assert fast.stdout == typer.stdout, args


def test_cached_root_help_is_what_typer_prints(tmp_path: Path) -> None:
    """``mason --help`` from the index (rendered at 78 columns) matches Typer's
    own rendering on a wide terminal; a narrow one gets Typer's."""
    home = tmp_path / "home"
    cached = _mason("entry", ["--help"], home)
    live = _mason("app", ["--help"], home)
    assert cached.returncode == live.returncode == 0
    assert cached.stdout == live.stdout and "Operators: " in cached.stdout
    narrow = subprocess.run(
        [sys.executable, "-c", "from mason_core.cli.entry import main; main()", "--help"],
        capture_output=True,
        text=True,
        env=dict(os.environ, MASON_HOME=str(home), COLUMNS="60"),
        timeout=120,
    )
    assert narrow.returncode == 0 and narrow.stdout != cached.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60


OVERRIDE = """\
type: operator
namespace: table
command: get
description: the user's own table get
parameters:
  required:
    - name: word
      type: {kind}
"""

OVERRIDE_CODE = """\
from mason import OperatorDefinition


class TableGet(OperatorDefinition):
    def run(self, ctx):
        return {"mine": ctx.params["word"]}
"""


def test_a_run_from_the_index_runs_what_the_whole_registry_would(tmp_path: Path) -> None:
    """A plain run reads its operator from the registry index (one file, no
    plugin): the definition it runs is the one the whole registry keeps, a
    user's registered ``table get`` over the plugin's, and an edit to that
    definition is seen by the next run, with its parameters validated first."""
    home = tmp_path / "home"
    folder = tmp_path / "mine" / "get"
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(OVERRIDE.format(kind="string"))
    (folder / "__init__.py").write_text(OVERRIDE_CODE)
    registered = _mason("app", ["register", str(folder)], home)
    assert registered.returncode == 0, registered.stderr
    assert _mason("entry", ["op"], home).returncode == 0  # the index is warm
    call = ["op", "table", "get", "-p", "word:7", "-o", "json"]

    ran = _mason("entry", call, home)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["Data"] == [{"mine": "7"}]

    copy = home / "registered_operators" / "table" / "get" / "operator.yaml"
    copy.write_text(OVERRIDE.format(kind="boolean"))  # now '7' is no boolean
    refused = _mason("entry", call, home)
    typer = _mason("app", call, home)
    assert refused.returncode == typer.returncode == 2, refused.stderr
    assert refused.stderr == typer.stderr and "word" in refused.stderr


def test_a_run_registry_that_fails_falls_back_unless_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index entry whose file no longer reads gives None (the whole
    registry is built and says why); after Ctrl-C or SIGTERM, whatever error
    the signal became is raised as the interruption instead, never retried.
    The received signal is set directly: a real one cannot be timed to land
    inside the definition's validation."""
    from mason_core import interrupts
    from mason_core.index import run_registry

    gone = str(tmp_path / "gone" / "operator.yaml")
    content = {"run": {"engines": {}, "clients": {}, "operators": {"a b": [gone, "p", None]}}}
    assert run_registry(content, [("a", "b")]) is None
    assert run_registry(content, [("a", "other")]) is None  # not in the index
    monkeypatch.setattr(interrupts, "_seen", [KeyboardInterrupt()])
    with pytest.raises(KeyboardInterrupt):
        run_registry(content, [("a", "b")])
