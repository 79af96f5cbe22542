"""stdout closed (``mason ... >&-``, a service started with no stdout) or a
pipe whose reader went away (``| head``): no traceback, the work still done,
the documented exit code."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from ._env import MASON, mason_env, run_mason

COMMANDS = [
    ["op"],  # answered from the registry index, before Typer
    ["op", "table"],
    ["config"],
    ["plugins"],
    ["op", "table", "list", "-p", "database_name:d", "-o", "table"],
    ["op", "table", "list", "-p", "database_name:d", "-o", "json"],
]


def in_shell(home: Path, redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``mason ARGS REDIRECT`` run by sh, so the shell closes the fds as a user's would."""
    script = "exec " + " ".join(shlex.quote(a) for a in (MASON, *args)) + " " + redirect
    return subprocess.run(
        ["sh", "-c", script],
        env=mason_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    done = run_mason(
        "op", "table", "fake", "-p",
        f"database_name:d,table_name:t,output_path:{tmp_path / 'data'},rows:3",
        home=home,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return home


def test_a_closed_stdout_discards_the_output_and_the_work_is_done(
    home: Path, tmp_path: Path
) -> None:
    for args in COMMANDS:
        done = in_shell(home, ">&-", *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr and "error" not in done.stderr, args
    out = tmp_path / "more"
    fake = f"database_name:d,table_name:u,output_path:{out},rows:4"
    done = in_shell(home, ">&- 2>&-", "op", "table", "fake", "-p", fake)
    assert done.returncode == 0
    assert out.exists()  # the work was done, and recorded
    listed = run_mason("op", "table", "get", "-p", "database_name:d,table_name:u", home=home)
    assert json.loads(listed.stdout)["Data"][0]["Name"] == "u"
    nope = "database_name:d,table_name:nope"
    failed = in_shell(home, ">&-", "op", "table", "get", "-p", nope, "-o", "table")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "nope" in failed.stderr  # with -o table, errors still reach stderr


def test_a_pipe_whose_reader_went_away_ends_quietly(home: Path) -> None:
    for args in COMMANDS:
        read, write = os.pipe()
        os.close(read)  # the reader is gone before mason writes a byte: every write is EPIPE
        try:
            done = subprocess.run(
                [MASON, *args],
                env=mason_env(home),
                stdout=write,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                check=False,
            )
        finally:
            os.close(write)
        assert done.returncode == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr and "error" not in done.stderr, args
        assert "Exception ignored" not in done.stderr, args
