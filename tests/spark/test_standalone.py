"""The standalone runner against a real Spark master and worker on 127.0.0.1
(started from pyspark's distribution by the ``standalone_cluster`` fixture):
a merge submitted through mason with spark-submit, and the job records of a
waited and of a detached job, including detached jobs that ended (or whose
driver was killed) before anyone asked."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow.dataset as ds
from mason_spark.jobfiles import JobFiles

import mason
from mason.sdk.jobs import JobStore
from mason_core.models import JobStatus
from mason_core.runtime import default_session
from tests.spark.conftest import (
    TEST_CONF,
    Cluster,
    Dataset,
    execution_engine,
    save_config,
    spark_body,
)


def standalone_config(tmp_path: Path, cluster: Cluster, name: str, wait: bool = True) -> str:
    runner = {
        "type": "standalone",
        "master": cluster.master,
        "driver_memory": "512m",
        "executor_memory": "512m",
        "total_executor_cores": 1,
        "wait": wait,
        "conf": TEST_CONF,
    }
    return save_config(tmp_path, name, spark_body(runner))


def test_merge_is_submitted_to_the_cluster(
    standalone_cluster: Cluster, mixed_input: Dataset, tmp_path: Path
) -> None:
    config_id = standalone_config(tmp_path, standalone_cluster, "cluster")
    out = tmp_path / "merged"

    response = mason.run(
        "table", "merge", config_id=config_id, input_path=str(mixed_input.path),
        output_path=str(out), repartition_keys=["region"],
    )  # fmt: skip

    assert response.ok, response.errors
    job = response.data[0]
    assert job.status == JobStatus.SUCCEEDED
    assert job.metrics["runner"] == "standalone"
    assert job.metrics["master"] == standalone_cluster.master
    # an application of the cluster, not a local-mode one
    assert str(job.metrics["application_id"]).startswith("app-")
    assert job.row_count == 7
    rows = ds.dataset(str(out), format="parquet", partitioning="hive").to_table().to_pylist()
    assert sorted(r["order_id"] for r in rows) == [1, 2, 2, 3, 4, 5, 6]
    assert sorted(p.name for p in out.glob("region=*")) == [
        "region=apac",
        "region=eu",
        "region=us",
    ]


def test_detached_job_is_followed_by_get_job(
    standalone_cluster: Cluster, mixed_input: Dataset, tmp_path: Path
) -> None:
    config_id = standalone_config(tmp_path, standalone_cluster, "detached", wait=False)
    out = tmp_path / "later"

    response = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(mixed_input.path), output_path=str(out),
    )  # fmt: skip

    assert response.ok, response.errors
    submitted = response.data[0]
    assert submitted.status == JobStatus.RUNNING
    assert "job get" in response.info[0]
    engine = execution_engine(config_id)
    deadline = time.monotonic() + 600
    job = engine.get_job(submitted.id)
    while not job.status.finished and time.monotonic() < deadline:
        time.sleep(2)
        job = engine.get_job(submitted.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.row_count == 7
    assert job.result_location == str(out)
    assert [j.id for j in engine.list_jobs()] == [submitted.id]


def test_a_failing_job_on_the_cluster_reports_the_driver_error(
    standalone_cluster: Cluster, tmp_path: Path
) -> None:
    config_id = standalone_config(tmp_path, standalone_cluster, "failing")

    response = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(tmp_path / "missing"), output_path=str(tmp_path / "never"),
    )  # fmt: skip

    assert response.exit_code == 1
    job_id = response.errors[0].split()[2]
    job = execution_engine(config_id).get_job(job_id)
    assert job.status == JobStatus.FAILED
    assert "no data files" in (job.error or "")
    assert str(job.metrics["application_id"]).startswith("app-")
    assert not (tmp_path / "never").exists()


def test_a_spark_home_without_spark_submit_fails_before_submitting(
    mixed_input: Dataset, tmp_path: Path
) -> None:
    runner = {"type": "standalone", "master": "spark://127.0.0.1:7077", "spark_home": str(tmp_path)}
    config_id = save_config(tmp_path, "nohome", spark_body(runner))

    response = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(mixed_input.path), output_path=str(tmp_path / "never"),
    )  # fmt: skip

    assert response.exit_code == 1
    assert "no bin/spark-submit" in response.errors[0]


def wait_for_exit(pid: int, timeout: float = 600) -> None:
    """Wait, without asking mason, until the spark-submit child ``pid`` ended."""
    deadline = time.monotonic() + timeout
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        assert time.monotonic() < deadline, f"spark-submit {pid} still running"
        time.sleep(0.5)


def detached(config_id: str, input_path: Path, output_path: Path) -> tuple[str, int]:
    """A detached merge's job id and spark-submit pid, read from its record."""
    response = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(input_path), output_path=str(output_path),
    )  # fmt: skip
    assert response.ok, response.errors
    job_id = response.data[0].id
    pid = JobStore(default_session().home.path, "spark").load(job_id).handle["driver_pid"]
    assert isinstance(pid, int)
    return job_id, pid


def test_detached_jobs_that_ended_unpolled_report_their_final_state(
    standalone_cluster: Cluster, mixed_input: Dataset, tmp_path: Path
) -> None:
    """Nothing watches a detached job: ``job get`` on one that ended while
    nobody asked gives its final status, the driver's timings and its error."""
    config_id = standalone_config(tmp_path, standalone_cluster, "unpolled", wait=False)
    out = tmp_path / "done"
    good, good_pid = detached(config_id, mixed_input.path, out)
    wait_for_exit(good_pid)
    bad, bad_pid = detached(config_id, tmp_path / "missing", tmp_path / "never")
    wait_for_exit(bad_pid)
    time.sleep(1.5)
    asked = datetime.now(timezone.utc)

    ok = mason.run("job", "get", job_id=good, config_id=config_id)
    failed = mason.run("job", "get", job_id=bad, config_id=config_id)

    assert ok.ok and failed.ok, (ok.errors, failed.errors)  # the look-ups themselves succeed
    job = ok.data[0]
    assert job.status == JobStatus.SUCCEEDED
    assert job.row_count == 7
    assert job.result_location == str(out)
    assert str(job.metrics["application_id"]).startswith("app-")
    assert job.submitted_at <= job.started_at <= job.finished_at
    # the driver's own end, not the time of the look-up
    assert job.finished_at < asked - timedelta(seconds=1)
    job = failed.data[0]
    assert job.status == JobStatus.FAILED
    assert "no data files" in (job.error or "")
    assert job.started_at is not None and job.finished_at is not None
    assert job.finished_at < asked - timedelta(seconds=1)
    assert any(bad in line and "no data files" in line for line in failed.warnings)
    assert not (tmp_path / "never").exists()


def test_a_killed_detached_driver_fails_at_its_last_log_line(
    standalone_cluster: Cluster, mixed_input: Dataset, tmp_path: Path
) -> None:
    config_id = standalone_config(tmp_path, standalone_cluster, "killed", wait=False)
    job_id, pid = detached(config_id, mixed_input.path, tmp_path / "never")
    files = JobFiles(JobStore(default_session().home.path, "spark").folder(job_id))
    deadline = time.monotonic() + 300
    while files.read_result() is None:  # the driver started and said so
        assert time.monotonic() < deadline, files.log.read_text()[-2000:]
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)
    wait_for_exit(pid)
    time.sleep(1.5)
    asked = datetime.now(timezone.utc)

    job = mason.run("job", "get", job_id=job_id, config_id=config_id).data[0]

    assert job.status == JobStatus.FAILED
    assert (job.error or "").startswith("the driver ended without a result")
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at < asked - timedelta(seconds=1)
    assert not (tmp_path / "never").exists()
