"""An ASCII-only Python (``LC_ALL=C PYTHONUTF8=0 PYTHONCOERCECLOCALE=0``, as
on old servers and minimal containers): non-ASCII paths in a parameter file
and UTF-8 ``-p`` values work, and so does printing them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mason_core.cli.params import command_line_text

from ._env import mason_env, run_mason

ASCII_ONLY = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


def test_non_ascii_paths_work_in_an_ascii_only_python(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = mason_env(home, **ASCII_ONLY)
    env.pop("PYTHONIOENCODING", None)
    folder = tmp_path / "données-été"
    params = tmp_path / "params.yaml"
    params.write_text(
        f"database_name: d\ntable_name: t\noutput_path: {folder / 'fichier'}\nrows: 3\n", "utf-8"
    )
    from_file = run_mason(
        "op", "table", "fake", "-f", str(params), "-o", "json", home=home, env=env
    )
    assert from_file.returncode == 0, from_file.stderr
    assert (folder / "fichier").exists()
    from_p = run_mason(
        "op", "table", "fake", "-o", "table",
        "-p", f"database_name:d,table_name:ü,output_path:{folder / 'über'},rows:2",
        home=home, env=env,
    )  # fmt: skip
    assert from_p.returncode == 0, from_p.stderr
    assert "Traceback" not in from_p.stderr and "not UTF-8" not in from_p.stderr
    assert (folder / "über").exists()
    got = run_mason(
        "op", "table", "get", "-p", "database_name:d,table_name:ü", "-o", "json",
        home=home, env=env,
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["Data"][0]["Location"] == str(folder / "über")
    shown = run_mason(
        "op", "table", "get", "-p", "database_name:d,table_name:ü", "-o", "table",
        home=home, env=env,
    )  # fmt: skip
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert "données-été" in shown.stdout


def test_command_line_bytes_kept_as_surrogates_are_read_as_utf8() -> None:
    # what an ASCII-only Python's argv holds for "é": its two UTF-8 bytes as surrogates
    as_ascii_python_sees_it = (
        os.fsdecode("é".encode()).encode("utf-8").decode("ascii", "surrogateescape")
    )
    assert command_line_text(as_ascii_python_sees_it) == "é"
    assert command_line_text("plain") == "plain"
    assert command_line_text(b"\xff\xfe".decode("utf-8", "surrogateescape")) is None


def test_the_python_api_in_an_ascii_only_python_names_the_problem(tmp_path: Path) -> None:
    # mason.run is not re-executed: a non-ASCII path is one error saying why
    env = mason_env(tmp_path / "home", **ASCII_ONLY)
    code = (
        "import mason\n"
        f"r = mason.run('table', 'fake', output_path={str(tmp_path / 'é')!a}, rows=2)\n"
        "print(ascii(r.errors), r.exit_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "file system encoding is ascii (set PYTHONUTF8=1" in done.stdout
    assert "UnicodeEncodeError" not in done.stdout and done.stdout.rstrip().endswith(" 1")
