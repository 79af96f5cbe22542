"""Telling a record's process from a gone one, and from a newer process that
was given the same pid (real processes; the start times are Linux's /proc)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mason_core.jobrecords import JobStatus, JobStore
from mason_core.processes import orphaned, process_started, same_process, this_host
from mason_core.workflows.records import RunRecord
from tests.workflows.test_remote import record as remote_run_record

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="process start times come from Linux's /proc"
)


@pytest.fixture
def other() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not this one."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        yield child
    finally:
        child.kill()
        child.wait()


def _ended_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_start_times_tell_processes_apart(other: subprocess.Popen[bytes]) -> None:
    mine, theirs = process_started(os.getpid()), process_started(other.pid)
    assert isinstance(mine, int) and isinstance(theirs, int)
    assert theirs >= mine  # started after this test process
    assert process_started(other.pid) == theirs  # stable
    assert same_process(other.pid, theirs)
    assert same_process(other.pid, None)  # an older record without a start time
    assert not same_process(other.pid, theirs - 1)  # the pid, given to a newer process
    gone = _ended_pid()
    assert process_started(gone) is None
    assert not same_process(gone, None)


def test_orphaned_judges_only_this_host(other: subprocess.Popen[bytes]) -> None:
    started = process_started(other.pid)
    assert started is not None
    assert not orphaned(this_host(), other.pid, started)
    assert orphaned(this_host(), other.pid, started + 1)
    assert not orphaned("another-host", other.pid, started + 1)
    assert not orphaned(this_host(), None)


def test_a_job_record_whose_pid_was_reused_reads_interrupted(
    tmp_path: Path, other: subprocess.Popen[bytes]
) -> None:
    store = JobStore(tmp_path, "local")
    record = store.new("query")
    assert record.pid_started == process_started(os.getpid())
    started = process_started(other.pid)
    assert started is not None
    record.pid = other.pid
    record.pid_started = started
    assert record.settle_if_orphaned().status is JobStatus.RUNNING
    record.pid_started = started - 1
    settled = record.settle_if_orphaned()
    assert settled.status is JobStatus.INTERRUPTED
    assert settled.error == f"the process running it (pid {other.pid}) ended before it finished"


def test_a_run_record_whose_pid_was_reused_reads_interrupted(
    other: subprocess.Popen[bytes],
) -> None:
    started = process_started(other.pid)
    assert started is not None

    def run(pid_started: int | None) -> RunRecord:
        """A local run in progress, in ``other``'s name."""
        running = remote_run_record().model_copy(
            update={"status": "running", "scheduler": "local", "scheduler_run_id": None}
        )
        running.pid, running.pid_started = other.pid, pid_started
        return running

    assert run(started).settle_if_orphaned().status == "running"
    assert run(None).settle_if_orphaned().status == "running"  # older records: pid alone
    assert run(started + 7).settle_if_orphaned().status == "interrupted"
