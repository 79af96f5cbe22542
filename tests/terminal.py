"""Running the ``mason`` CLI on a real pseudo-terminal, for tests of what it
draws only when its output is a terminal (progress bars, live views)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


def run_in_pty(args: list[str]) -> tuple[int, str]:
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
