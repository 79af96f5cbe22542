"""Helpers of the environment-fault tests (tests/faults/test_env_*.py): the
real ``mason`` console script in a subprocess, with the environment, working
directory and file descriptors each test breaks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: the console script users run (installed beside this interpreter)
MASON = str(Path(sys.executable).with_name("mason"))


def mason_env(home: Path, **extra: str) -> dict[str, str]:
    """The process environment with ``home`` as MASON_HOME and no MASON_DEBUG."""
    env = {k: v for k, v in os.environ.items() if k != "MASON_DEBUG"}
    env["MASON_HOME"] = str(home)
    env.update(extra)
    return env


def run_mason(
    *args: str,
    home: Path,
    env: dict[str, str] | None = None,
    prefix: list[str] | None = None,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """``mason ARGS`` in a subprocess (behind ``prefix``, such as ``faketime
    +3h``); output captured as text unless a test hands its own ``stdout``."""
    options: dict[str, Any] = {"capture_output": True} if "stdout" not in kwargs else {}
    options.update(kwargs)
    return subprocess.run(
        [*(prefix or []), MASON, *args],
        env=env if env is not None else mason_env(home),
        text=True,
        timeout=120,
        check=False,
        **options,
    )


def one_error_line(stderr: str) -> str:
    """The single ``error:`` line of ``stderr``, asserting there is no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def mount_tmpfs(where: Path, size: str) -> None:
    """A real tmpfs of ``size`` at ``where`` (needs root; the caller skips otherwise)."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)


def unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], check=False)


def fill(mount: Path) -> None:
    """Write zeros to ``mount`` until its file system is full."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for block in (b"\0" * 65536, b"\0" * 512, b"\0"):
            try:
                while os.write(fd, block):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(mount).f_bavail == 0
