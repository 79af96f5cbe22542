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
from mason.sdk.models import JobStatus
from mason_spark.records import JobRecord, RecordStore


def entry_script() -> Path:
    """The entry script's file, found without importing pyspark."""
    spec = find_spec("mason_spark.entry")
    if spec is None or spec.origin is None:
        raise MasonRuntimeError("mason_spark.entry is not installed")
    return Path(spec.origin)


def launch(
    command: list[str], store: RecordStore, record: JobRecord, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, output to the job's ``driver.log``."""
    log = store.log_path(record.id)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
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
    record.pid = process.pid
    record.status = JobStatus.RUNNING
    record.started_at = datetime.now(timezone.utc)
    return process


def _zombie(pid: int) -> bool:
    """An ended process its parent (another mason process) has not reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no procfs (macOS) or already gone
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        # our own child: reap it if it has ended, so it is not a zombie
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


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


def refresh_from_child(store: RecordStore, record: JobRecord, exit_code: int | None) -> None:
    """Update ``record`` from the result file, or from the child's fate."""
    result = store.read_result(record.id)
    if result is not None:
        record.apply(result)
        if result.status != "running":
            return
    running = exit_code is None and record.pid is not None and _alive(record.pid)
    if running:
        record.status = JobStatus.RUNNING
        return
    record.status = JobStatus.FAILED
    log = store.log_path(record.id)
    record.finished_at = (
        datetime.now(timezone.utc) if exit_code is not None else _last_write(log, record.started_at)
    )
    reason = last_error(log) or "no output"
    code = f" (exit code {exit_code})" if exit_code is not None else ""
    record.error = f"the driver ended without a result{code}: {reason}"
