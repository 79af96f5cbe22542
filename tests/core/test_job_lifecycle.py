"""The execution-job lifecycle every client shares (``ExecutionEngine.run_job``):
kinds checked, records kept in MASON_HOME with one id scheme, failures and
cancellations recorded, detached jobs polled, orphans read as interrupted.

The client here is a small real subclass written for the test: the template
is what is under test, and every client (local, spark, athena) runs on it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel

from mason.sdk.engines import EngineContext, ExecutionEngine
from mason.sdk.errors import MasonRuntimeError, NotFoundError, UnsupportedConfigurationError
from mason.sdk.jobs import JobOutcome, JobRecord, JobStatus, JobStore, new_job_id
from mason_core.models import Job, MergeJob, QueryJob
from mason_core.secrets import remember


class NoSettings(BaseModel):
    pass


class Behaviour:
    """What the test client does when asked to submit or poll."""

    submit: object = None
    polls: list[object]

    def __init__(self) -> None:
        self.polls = []


class Recorder(ExecutionEngine):
    JOB_KINDS: ClassVar[tuple[str, ...]] = ("query",)
    behaviour = Behaviour()

    def submit(self, job: Job, record: JobRecord) -> JobOutcome | None:
        action = self.behaviour.submit
        if isinstance(action, BaseException):
            raise action
        if action == "detach":
            record.handle["ticket"] = "t-1"
            return None
        return JobOutcome(row_count=3, metrics={"ran": "yes"})

    def poll(self, record: JobRecord) -> JobOutcome | None:
        assert record.handle == {"ticket": "t-1"}
        step = self.behaviour.polls.pop(0)
        if step == "failed":
            record.status, record.error = JobStatus.FAILED, "it broke\non two lines"
            return None
        if step == "running":
            return None
        return JobOutcome(row_count=9)


@pytest.fixture
def client(tmp_path: Path) -> Recorder:
    Recorder.behaviour = Behaviour()
    return Recorder(NoSettings(), EngineContext(client="tester", home=tmp_path))


def query() -> QueryJob:
    return QueryJob(query_string="SELECT 1", database_name="db")


def test_a_finished_job_is_recorded_and_read_back_by_another_process(
    client: Recorder, tmp_path: Path
) -> None:
    done = client.run_job(query())
    assert done.status is JobStatus.SUCCEEDED and done.row_count == 3
    assert done.client == "tester" and done.metrics == {"ran": "yes"}
    assert done.submitted_at <= done.started_at <= done.finished_at  # type: ignore[operator]
    assert re.fullmatch(r"\d{8}t\d{6}-\d{6}-[0-9a-f]{8}", done.id)
    assert done.id < new_job_id()  # sortable by time
    path = tmp_path / "clients" / "tester" / "jobs" / done.id / "record.json"
    assert json.loads(path.read_text())["status"] == "succeeded"
    code = (
        "import sys; from mason.sdk.jobs import JobStore; from pathlib import Path;"
        f"print(JobStore(Path(sys.argv[1]), 'tester').load({done.id!r}).status.value)"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == "succeeded"
    assert client.get_job(done.id) == done
    assert client.list_jobs() == [done]


def test_kinds_the_client_does_not_declare_are_refused_unrecorded(client: Recorder) -> None:
    job = MergeJob(input_path="/in", output_path="/out")
    with pytest.raises(UnsupportedConfigurationError, match="does not run merge jobs"):
        client.run_job(job)
    assert client.list_jobs() == []


def test_a_failure_is_a_failed_record_on_one_scrubbed_line(client: Recorder) -> None:
    remember("s3cr3t-value")
    client.behaviour.submit = RuntimeError("boom with s3cr3t-value\nsecond line")
    done = client.run_job(query())
    assert done.status is JobStatus.FAILED
    assert done.error is not None and "\n" not in done.error
    assert "s3cr3t-value" not in done.error and done.error.startswith("RuntimeError: boom")
    assert client.get_job(done.id).error == done.error


def test_ctrl_c_records_the_job_cancelled_and_goes_on_up(client: Recorder) -> None:
    client.behaviour.submit = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        client.run_job(query())
    (job,) = client.list_jobs()
    assert job.status is JobStatus.CANCELLED
    assert job.error == "cancelled: interrupted" and job.finished_at is not None


def test_a_detached_job_is_polled_until_it_ends(client: Recorder) -> None:
    client.behaviour.submit = "detach"
    client.behaviour.polls = ["running", "done"]
    started = client.run_job(query())
    assert started.status is JobStatus.RUNNING and started.finished_at is None
    assert client.get_job(started.id).status is JobStatus.RUNNING
    done = client.get_job(started.id)
    assert done.status is JobStatus.SUCCEEDED and done.row_count == 9
    assert client.get_job(started.id) == done  # finished: not polled again


def test_a_detached_job_that_fails_is_recorded_failed(client: Recorder) -> None:
    client.behaviour.submit = "detach"
    client.behaviour.polls = ["failed"]
    job = client.get_job(client.run_job(query()).id)
    assert (job.status, job.error) == (JobStatus.FAILED, "it broke on two lines")


def test_a_job_whose_process_is_gone_reads_as_interrupted(tmp_path: Path) -> None:
    store = JobStore(tmp_path, "tester")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    record = store.new("query")
    record.status, record.pid = JobStatus.RUNNING, int(gone.stdout)
    store.save(record)
    live = store.new("query")
    live.status = JobStatus.RUNNING  # this process: still running
    store.save(live)
    client = Recorder(NoSettings(), EngineContext(client="tester", home=tmp_path))

    job = client.get_job(record.id)
    assert job.status is JobStatus.INTERRUPTED and job.status.finished
    assert f"pid {gone.stdout.strip()}" in (job.error or "")
    assert client.get_job(live.id).status is JobStatus.RUNNING
    other_host = store.load(record.id).model_copy(update={"host": "elsewhere"})
    store.save(other_host)
    assert client.get_job(record.id).status is JobStatus.RUNNING  # not judged from here


def test_unknown_and_unreadable_records(client: Recorder, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="job 'nope' not found in the tester job records"):
        client.get_job("nope")
    with pytest.raises(NotFoundError):
        client.get_job("../../etc")
    done = client.run_job(query())
    path = tmp_path / "clients" / "tester" / "jobs" / done.id / "record.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(MasonRuntimeError, match=f"job record {path} is unreadable"):
        client.get_job(done.id)
    assert client.list_jobs() == []  # passed over


def test_a_client_implementing_submit_serves_every_execution_verb() -> None:
    assert Recorder.served_verbs() == ["run_job", "get_job", "list_jobs"]
    assert ExecutionEngine.served_verbs() == []
