from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mason_core.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def greet() -> None:
    code, out, _ = invoke("register", str(FIXTURES / "operators"))
    assert code == 0, out
    assert "Registered greet hello" in out


def test_run_prints_the_envelope_as_json(greet: None) -> None:
    code, out, _ = invoke("op", "greet", "hello", "-p", "who:bob,times:1", "--output", "json")
    assert code == 0
    assert json.loads(out) == {
        "Errors": [],
        "Info": ["greeting bob"],
        "Warnings": [],
        "Data": [{"Greeting": "hello bob"}],
    }


def test_parameters_file_then_p_on_top(greet: None, tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("who: carol\ntimes: 3\n")
    code, out, _ = invoke("op", "greet", "hello", "-f", str(params), "-p", "times:2", "-o", "json")
    assert code == 0
    assert json.loads(out)["Data"] == [{"Greeting": "hello carol"}] * 2


def test_user_mistakes_exit_2_with_one_line(greet: None) -> None:
    for args in (
        ("op", "greet", "hello"),
        ("op", "greet", "nope"),
        ("op", "nons"),
        ("op", "greet", "hello", "-p", "who:x,extra:1"),
        ("op", "greet", "hello", "-p", "who:x", "-c", "missing-config"),
    ):
        code, out, err = invoke(*args)
        assert code == 2, args
        assert err.startswith("error: ") and err.count("\n") == 1, (args, err)
        assert "Traceback" not in out + err


def test_failed_operator_exits_1(greet: None) -> None:
    code, out, _ = invoke("op", "greet", "boom", "-p", "message:broken", "-o", "json")
    assert code == 1
    assert json.loads(out)["Errors"] == ["broken"]


def test_operator_help_lists_typed_parameters(greet: None) -> None:
    code, out, _ = invoke("op", "greet", "hello", "--help")
    assert code == 0
    assert "times" in out and "integer; optional; default: 1" in out
    assert "How many greetings" in out


def test_listing_operators_json(greet: None) -> None:
    code, out, _ = invoke("op", "greet", "-o", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["command"] for r in rows] == ["boom", "hello"]
    assert rows[1]["parameters"] == {"required": ["who"], "optional": ["times", "shout"]}


def test_validate_call_and_files(greet: None) -> None:
    code, out, _ = invoke("validate", "greet", "hello", "-p", "who:x", "-o", "json")
    assert code == 0 and "is valid" in json.loads(out)["Info"][0]
    code, out, _ = invoke("validate", str(FIXTURES / "operators"))
    assert code == 0 and out.count("valid operator") == 2
    code, _, err = invoke("get", "operator", "greet", "nope")
    assert code == 2 and "unknown operator" in err


def test_no_traceback_from_a_real_process(greet: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("type: config\nid: 1\nwarp_engine: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mason", "config", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "unknown engine 'warp'" in proc.stderr
    assert "Traceback" not in proc.stderr
    debug = subprocess.run(
        [sys.executable, "-m", "mason", "--debug", "config", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert debug.returncode == 2 and "Traceback" in debug.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out == f"mason {version('mason-core')}\n"
