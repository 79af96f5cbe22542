"""Drivers in a child process: the local runner's child python and spark-submit.

The child runs the entry script, which writes ``result.json`` as it starts
and as it ends; while no final result exists, the child's liveness says
whether the job is still running or died without reporting (its log's last
error line then becomes the job's error).

Nothing watches a job that was not waited for: its record is brought up to
date when it is read (``job get``). The times come from the driver (its
result), or, for a driver that died without one, from the last write to its
log, so a job read long after it ended still shows when it ended.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Mapping
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.jobs import (
    JobOutcome,
    JobRecord,
    JobStatus,
    JobStore,
    process_started,
    same_process,
)
from mason_spark.jobfiles import JobFiles, take_result


def entry_script() -> Path:
    """The entry script's file, found without importing pyspark."""
    spec = find_spec("mason_spark.entry")
    if spec is None or spec.origin is None:
        raise MasonRuntimeError("mason_spark.entry is not installed")
    return Path(spec.origin)


def launch(
    command: list[str], jobs: JobStore, record: JobRecord, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, output to the job's ``driver.log``.

    From then on the job is followed through the driver (its pid and result
    file), not through this process: the record is saved detached, so a
    ``job get`` after this process was killed still finds the driver.
    """
    files = JobFiles(jobs.folder(record.id))
    files.log.parent.mkdir(parents=True, exist_ok=True)
    with files.log.open("ab") as out:
        try:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **env},
                start_new_session=True,
            )
        except OSError as exc:
            raise MasonRuntimeError(f"cannot start {command[0]}: {exc}") from exc
    record.handle["driver_pid"] = process.pid
    record.handle["driver_started"] = process_started(process.pid)
    record.status = JobStatus.RUNNING
    record.started_at = datetime.now(timezone.utc)
    record.detached = True
    jobs.save(record)
    return process


def _alive(pid: int, started: int | None) -> bool:
    with contextlib.suppress(ChildProcessError):
        # our own child: reap it if it has ended, so it is not a zombie
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return same_process(pid, started)


def _last_write(path: Path, floor: datetime | None) -> datetime:
    """When ``path`` was last written (not before ``floor``), else now."""
    try:
        when = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError:
        return datetime.now(timezone.utc)
    return max(when, floor) if floor else when


def last_error(log: Path, limit: int = 400) -> str | None:
    """The last line of ``log`` that reads like an error, else its last line."""
    if not log.is_file():
        return None
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    for line in reversed(lines):
        if any(word in line for word in ("Exception", "Error", "ERROR")):
            return line[:limit]
    return lines[-1][:limit] if lines else None


def refresh_from_child(
    files: JobFiles, record: JobRecord, exit_code: int | None
) -> JobOutcome | None:
    """Update ``record`` from the result file, or from the child's fate."""
    result = files.read_result()
    if result is not None:
        outcome = take_result(record, result)
        if result.status != "running":
            return outcome
    pid = record.handle.get("driver_pid")
    started = record.handle.get("driver_started")
    if (
        exit_code is None
        and isinstance(pid, int)
        and _alive(pid, started if isinstance(started, int) else None)
    ):
        record.status = JobStatus.RUNNING
        return None
    record.status = JobStatus.FAILED
    record.finished_at = (
        datetime.now(timezone.utc)
        if exit_code is not None
        else _last_write(files.log, record.started_at)
    )
    reason = last_error(files.log) or "no output"
    code = f" (exit code {exit_code})" if exit_code is not None else ""
    record.error = f"the driver ended without a result{code}: {reason}"
    return None
