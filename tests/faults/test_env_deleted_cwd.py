"""A working directory deleted under Mason's feet (a shell left in a removed
folder, a service whose folder was cleaned up): every command works with
absolute paths, and a relative path is one line, exit 2."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

from ._env import MASON, mason_env, one_error_line


def in_deleted_cwd(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``mason ARGS`` started in a folder that is removed just before (a real
    deleted cwd: the shell enters it, removes it, then execs mason)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && exec " + " ".join(
        shlex.quote(a) for a in (MASON, *args)
    )
    return subprocess.run(
        ["sh", "-c", script],
        env=mason_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_command_works_with_a_deleted_working_directory(tmp_path: Path) -> None:
    data, merged = tmp_path / "data", tmp_path / "merged"
    fake = in_deleted_cwd(
        tmp_path, "op", "table", "fake", "-o", "json",
        "-p", f"database_name:d,table_name:t,output_path:{data},rows:7",
    )  # fmt: skip
    assert fake.returncode == 0, fake.stderr
    for args in (
        ["config"],
        ["op", "table", "list", "-p", "database_name:d"],
        ["op", "table", "get", "-p", "database_name:d,table_name:t"],
        ["op", "table", "infer", "-p", f"database_name:e,storage_path:{data}"],
        ["op", "table", "merge", "-p", f"input_path:{data},output_path:{merged}"],
        ["op", "table", "query", "-p", "database_name:d,query_string:SELECT count(*) AS n FROM t"],
        ["wf"],
    ):
        done = in_deleted_cwd(tmp_path, *args, "-o", "json")
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        json.loads(done.stdout)
    assert (merged).exists()


def test_a_relative_path_with_a_deleted_working_directory_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = in_deleted_cwd(
        tmp_path, "op", "table", "fake", "-o", "table",
        "-p", "database_name:d,table_name:t,output_path:rel/out,rows:3",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    line = one_error_line(done.stderr)
    assert "relative path 'rel/out'" in line and "working directory no longer exists" in line
    assert not data.exists()
