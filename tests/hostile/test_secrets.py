"""Secrets never reach stdout, stderr, error envelopes, ``--debug`` tracebacks,
``repr()`` of configurations, or files under MASON_HOME."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import mason
from mason_core.config.model import ValidConfig
from mason_core.secrets import REDACTED

from .conftest import SECRET, assert_one_line_error, cli, secret_in_home


@pytest.mark.parametrize("output", ["json", "table"])
def test_an_error_quoting_a_secret_parameter_is_scrubbed(
    vault: None, output: str, isolated_mason_home: Path
) -> None:
    result = cli("op", "vault", "open", "-p", f"token:{SECRET},mode:refused", "-o", output)
    assert result.code == 1
    assert SECRET not in result.everything
    if output == "json":
        assert json.loads(result.out)["Errors"] == [f"token {REDACTED} was refused by the vault"]
    else:
        assert result.err == f"error: token {REDACTED} was refused by the vault\n"
    assert secret_in_home(isolated_mason_home) == []


@pytest.mark.parametrize("mode", ["refused", "crash"])
def test_debug_tracebacks_are_scrubbed(vault: None, mode: str, isolated_mason_home: Path) -> None:
    result = cli("--debug", "op", "vault", "open", "-p", f"token:{SECRET},mode:{mode}")
    assert result.code == 1
    assert "Traceback" in result.err  # --debug does show the traceback...
    assert SECRET not in result.everything  # ...with the secret scrubbed
    assert REDACTED in result.err
    assert secret_in_home(isolated_mason_home) == []


def test_a_crash_without_debug_is_one_scrubbed_line(vault: None) -> None:
    result = cli("op", "vault", "open", "-p", f"token:{SECRET},mode:crash", "-o", "table")
    line = assert_one_line_error(result, 1)
    assert line == f"error: ValueError: cannot open the vault with {REDACTED}"


def test_a_secret_that_fails_validation_is_not_quoted_back(vault: None) -> None:
    # a secret declared with a type: the type error must not quote it, even
    # when it is too short to be remembered for scrubbing
    for value in (SECRET, "ab"):
        result = cli("op", "vault", "open", "-p", f"token:{SECRET},pin:{value}")
        line = assert_one_line_error(result)
        assert line.endswith("parameter 'pin': not a valid integer"), line
        assert SECRET not in result.everything


def test_workflow_debug_output_and_run_records_hold_no_secret(
    tmp_path: Path, vault: None, isolated_mason_home: Path
) -> None:
    flow = tmp_path / "flow"
    flow.mkdir()
    (flow / "workflow.yaml").write_text(
        yaml.safe_dump(
            {
                "type": "workflow",
                "namespace": "vaults",
                "command": "open",
                "dag": [{"id": "a", "namespace": "vault", "command": "open"}],
            }
        )
    )
    assert cli("register", str(flow)).code == 0
    params = tmp_path / "p.yaml"
    for mode in ("refused", "crash"):
        params.write_text(yaml.safe_dump({"a": {"parameters": {"token": SECRET, "mode": mode}}}))
        for output in ("json", "table"):
            result = cli("--debug", "wf", "vaults", "open", "-f", str(params), "-r", "-o", output)
            assert result.code == 1, result
            assert "Traceback" in result.err and SECRET not in result.everything
    dry = cli("wf", "vaults", "open", "-f", str(params), "-o", "json")
    assert dry.code == 0 and SECRET not in dry.everything
    assert list(isolated_mason_home.joinpath("runs").glob("*.json"))
    assert secret_in_home(isolated_mason_home) == []


def _aws_config(tmp_path: Path) -> Path:
    path = tmp_path / "aws.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "aws",
                "storage_engine": "s3",
                "clients": {
                    "s3": {
                        "aws_region": "us-east-1",
                        "access_key": "AKIAEXAMPLEKEY12345",
                        "secret_key": SECRET,
                    }
                },
            }
        )
    )
    return path


def test_configuration_objects_never_show_their_secrets(tmp_path: Path) -> None:
    saved = cli("config", str(_aws_config(tmp_path)), "--set-current", "aws")
    assert saved.code == 0, saved
    assert SECRET not in saved.everything
    configs = mason.configs()
    current = mason.current_config()
    assert isinstance(current, ValidConfig) and current.id == "aws"
    for shown in (repr(configs), str(configs), repr(current), str(current)):
        assert SECRET not in shown and "AKIAEXAMPLEKEY12345" not in shown
        assert REDACTED in shown
    listed = cli("config", "-o", "json")
    assert listed.code == 0 and SECRET not in listed.everything


def test_debug_of_a_configuration_error_shows_no_secret(tmp_path: Path) -> None:
    """A subprocess, as a user runs it: the console script's own handlers."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "bad",
                "storage_engine": "s3",
                "clients": {"s3": {"secret_key": SECRET, "max_attempts": "many"}},
            }
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mason", "--debug", "config", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert SECRET not in proc.stdout + proc.stderr
    assert "max_attempts" in proc.stderr
