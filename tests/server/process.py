"""``mason server`` as a real process (the installed CLI's entry point), on a
free loopback port, with its stdout (the access log) and stderr (everything
else) captured to files the test reads after stopping it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

MASON = "from mason_core.cli.app import main; main()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def log(self) -> str:
        """Everything the server wrote; complete once the process has stopped."""
        return self.stdout.read_text("utf-8", "replace") + self.stderr.read_text("utf-8", "replace")


def mason(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``mason`` CLI to completion."""
    return subprocess.run(
        [sys.executable, "-c", MASON, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@contextmanager
def mason_server(
    logs: Path, *args: str, env: dict[str, str] | None = None, python: str | Path = sys.executable
) -> Iterator[ServerProcess]:
    """Start ``mason server --port <free> *args`` (with ``python``, by default this
    test session's); wait for /api/health; stop it after."""
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / "stdout.log", logs / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [str(python), "-c", MASON, "server", "--port", str(port), *args],
            stdout=stdout,
            stderr=stderr,
            env=env if env is not None else dict(os.environ),
        )
    served = ServerProcess(f"http://127.0.0.1:{port}", process, out, err)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{served.url}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"mason server did not start:\n{served.log()}")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=30)
