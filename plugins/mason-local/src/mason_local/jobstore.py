"""Job records of the local execution engine, in the catalog's SQLite file.

Every job gets a row when it is submitted and is updated as it starts and
ends, so ``job get`` answers for the local client as it does for Athena.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import NotFoundError
from mason.sdk.models import Column, ExecutedJob, JobStatus, TableSummary
from mason_local.sqlite import Database as SqliteFile

if TYPE_CHECKING:
    from mason_local.jobs.runtime import JobOutcome

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    client          TEXT,
    submitted_at    TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    error           TEXT,
    result_location TEXT,
    columns_json    TEXT NOT NULL DEFAULT '[]',
    preview_json    TEXT NOT NULL DEFAULT '[]',
    row_count       INTEGER,
    metrics_json    TEXT NOT NULL DEFAULT '{}',
    summary_json    TEXT,
    spec_json       TEXT NOT NULL,
    pid             INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_time ON jobs (submitted_at DESC, id DESC)
"""


def create_jobs_schema(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def new_job_id() -> str:
    """Sortable by submission time, unique across processes: ``20240501T120301-9f2c...``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:12]}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class JobStore:
    def __init__(self, path: Path) -> None:
        self.db = SqliteFile(path, "jobs", create_jobs_schema)

    def submit(self, kind: str, client: str, spec_json: str) -> str:
        job_id = new_job_id()
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO jobs (id, kind, status, client, submitted_at, spec_json, pid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, JobStatus.QUEUED.value, client, _now(), spec_json, os.getpid()),
            )
        return job_id

    def start(self, job_id: str) -> None:
        self._update(job_id, status=JobStatus.RUNNING.value, started_at=_now())

    def succeed(self, job_id: str, outcome: JobOutcome) -> None:
        self._update(
            job_id,
            status=JobStatus.SUCCEEDED.value,
            finished_at=_now(),
            result_location=outcome.result_location,
            columns_json=json.dumps([c.model_dump(mode="json") for c in outcome.columns]),
            preview_json=json.dumps(outcome.preview),
            row_count=outcome.row_count,
            metrics_json=json.dumps(outcome.metrics),
            summary_json=None if outcome.summary is None else outcome.summary.model_dump_json(),
        )

    def finish_unsuccessfully(self, job_id: str, status: JobStatus, error: str) -> None:
        self._update(job_id, status=status.value, finished_at=_now(), error=error)

    def get(self, job_id: str) -> ExecutedJob:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"job '{job_id}' not found in the local job records")
        return _executed(row)

    def list(self, limit: int = 50) -> list[ExecutedJob]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM jobs ORDER BY submitted_at DESC, id DESC LIMIT ?", (max(0, limit),)
            ).fetchall()
        return [_executed(row) for row in rows]

    def _update(self, job_id: str, **fields: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.db.write() as conn:
            conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*fields.values(), job_id))


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _executed(row: sqlite3.Row) -> ExecutedJob:
    summary = row["summary_json"]
    return ExecutedJob(
        id=row["id"],
        kind=row["kind"],
        status=JobStatus(row["status"]),
        client=row["client"],
        submitted_at=_time(row["submitted_at"]),
        started_at=_time(row["started_at"]),
        finished_at=_time(row["finished_at"]),
        error=row["error"],
        result_location=row["result_location"],
        columns=[Column.model_validate(c) for c in json.loads(row["columns_json"])],
        preview=json.loads(row["preview_json"]),
        row_count=row["row_count"],
        metrics=json.loads(row["metrics_json"]),
        summary=None if summary is None else TableSummary.model_validate_json(summary),
    )
