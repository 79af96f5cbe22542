"""The CLI draws merge progress (files and bytes) on a terminal, and stays
quiet with ``--output json`` or when stderr is not a terminal.

The terminal is a real pseudo-terminal: the CLI runs in a child process whose
stdout and stderr are the pty's slave side, so ``isatty()`` is true for it.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from .conftest import Files

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


def _run_in_pty(args: list[str]) -> tuple[int, str]:
    """Run ``python -m mason ARGS`` on a pty; return its exit code and screen text."""
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mason", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    code = proc.wait(timeout=120)
    return code, _ANSI.sub(b"", b"".join(chunks)).decode("utf-8", "replace")


def test_merge_shows_files_progress_on_a_terminal(tmp_path: Path, mixed_files: Files) -> None:
    params = f"input_path:{mixed_files.path},output_path:{tmp_path / 'out'}"
    code, screen = _run_in_pty(["op", "table", "merge", "-p", params, "--output", "table"])
    assert code == 0, screen
    assert "merge 3 files" in screen
    assert re.search(r"\d/3 files", screen), screen
    assert (tmp_path / "out").is_dir()


def test_json_output_stays_quiet_on_a_terminal(tmp_path: Path, mixed_files: Files) -> None:
    params = f"input_path:{mixed_files.path},output_path:{tmp_path / 'out'}"
    code, screen = _run_in_pty(["op", "table", "merge", "-p", params, "--output", "json"])
    assert code == 0, screen
    assert "merge 3 files" not in screen
    envelope = json.loads(screen[screen.index("{") :])
    assert envelope["Errors"] == []


def test_no_progress_when_not_a_terminal(tmp_path: Path, mixed_files: Files) -> None:
    params = f"input_path:{mixed_files.path},output_path:{tmp_path / 'out'}"
    proc = subprocess.run(
        [sys.executable, "-m", "mason", "op", "table", "merge", "-p", params, "-o", "table"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "files" not in proc.stderr
