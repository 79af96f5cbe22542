"""The CLI draws merge progress (files and bytes) on a terminal, and stays
quiet with ``--output json`` or when stderr is not a terminal.

The terminal is a real pseudo-terminal: the CLI runs in a child process whose
stdout and stderr are the pty's slave side, so ``isatty()`` is true for it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.terminal import run_in_pty

from .conftest import Files


def test_merge_shows_files_progress_on_a_terminal(tmp_path: Path, mixed_files: Files) -> None:
    params = f"input_path:{mixed_files.path},output_path:{tmp_path / 'out'}"
    code, screen = run_in_pty(["op", "table", "merge", "-p", params, "--output", "table"])
    assert code == 0, screen
    assert "merge 3 files" in screen
    assert re.search(r"\d/3 files", screen), screen
    assert (tmp_path / "out").is_dir()


def test_infer_shows_files_progress_on_a_terminal(mixed_files: Files) -> None:
    params = f"storage_path:{mixed_files.path},database_name:shown"
    code, screen = run_in_pty(["op", "table", "infer", "-p", params, "--output", "table"])
    assert code == 0, screen
    assert "reading the schemas under" in screen
    assert re.search(r"\d+/\d+ files", screen), screen


def test_json_output_stays_quiet_on_a_terminal(tmp_path: Path, mixed_files: Files) -> None:
    params = f"input_path:{mixed_files.path},output_path:{tmp_path / 'out'}"
    code, screen = run_in_pty(["op", "table", "merge", "-p", params, "--output", "json"])
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
