"""Helpers for the signal and catalog fault tests: mason CLI processes started
for real, and job records read from their MASON_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mason.sdk.jobs import JobRecord, JobStore


def cli(
    *args: str, home: Path, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """``mason ARGS -o json`` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "mason", *args, "-o", "json"],
        env={**os.environ, "MASON_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_cli(*args: str, home: Path) -> subprocess.Popen[str]:
    """``mason ARGS -o json`` started, not awaited."""
    return subprocess.Popen(
        [sys.executable, "-m", "mason", *args, "-o", "json"],
        env={**os.environ, "MASON_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def job_ids(home: Path, client: str = "local") -> set[str]:
    return {record.id for record in JobStore(home, client).list(limit=100_000)}


def await_new_job(
    home: Path, before: set[str], process: subprocess.Popen[str], timeout: float = 60
) -> JobRecord:
    """The job record ``process`` saved (``running``) since ``before`` was taken."""
    store = JobStore(home, "local")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.root.is_dir():
            new = {p.name for p in store.root.iterdir()} - before
            for job_id in new:
                try:
                    return store.load(job_id)
                except Exception:  # its folder is there, its record not yet
                    pass
        if process.poll() is not None:
            raise AssertionError(f"the process ended before its job started: {process.stderr}")
        time.sleep(0.01)
    raise AssertionError(f"no job started within {timeout:g} s")


#: a mason process that takes the local catalog's write lock through mason's
#: own code and stops itself (SIGSTOP) inside the transaction, as a writer
#: suspended by its terminal or a debugger would.
STOPPED_WRITER = """
import os, signal, sys
from pathlib import Path
from mason_local.catalog import Catalog
catalog = Catalog(Path(sys.argv[1]))
with catalog.db.write() as conn:
    conn.execute("UPDATE databases SET description = 'being written' WHERE name = 'lake'")
    print("locked", flush=True)
    os.kill(os.getpid(), signal.SIGSTOP)
"""


def stopped_writer(catalog: Path) -> subprocess.Popen[str]:
    """A process stopped while it holds the catalog's write lock (resume it with SIGCONT)."""
    process = subprocess.Popen(
        [sys.executable, "-c", STOPPED_WRITER, str(catalog)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    deadline = time.monotonic() + 30
    while _state(process.pid) != "T":
        assert time.monotonic() < deadline, "the writer did not stop"
        time.sleep(0.01)
    return process


def _state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rpartition(")")[2].split()[0]


#: run a command as root without the capabilities that let root ignore file
#: modes: the kernel then checks mode bits as for any other account.
WITHOUT_ROOTS_PASS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def cli_unprivileged(
    *args: str, home: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``mason ARGS -o json`` run to its end, held to the file modes."""
    return subprocess.run(
        [*WITHOUT_ROOTS_PASS, sys.executable, "-m", "mason", *args, "-o", "json"],
        env={**os.environ, "MASON_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
