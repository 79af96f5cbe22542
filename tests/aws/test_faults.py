"""Faults between the clients and AWS, injected by a proxy in front of moto:
throttling and transient errors retried with the configured backoff, a
persistent fault reported as one line, a commit copy failing half way,
unknown Athena jobs, and assumed-role credentials refreshed before expiry."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from mason_aws.config import S3ClientConfig
from mason_aws.retries import Backoff
from mason_aws.session import AwsSession

from mason_core.errors import MasonRuntimeError, NotFoundError
from mason_core.models import JobStatus, QueryJob
from tests.aws.conftest import ACCESS_KEY, SECRET_KEY, put_text
from tests.aws.faults import (
    S3_INTERNAL,
    SLOW_DOWN,
    THROTTLING,
    FaultProxy,
    json_error,
    operation,
    query_action,
    s3_copy_object,
    s3_list_objects,
)
from tests.aws.test_s3_storage import keys
from tests.aws.test_walkthrough import Cli

FAST = {"retry_mode": "standard", "retry_backoff_seconds": 0.01, "retry_max_backoff_seconds": 0.05}
ROLE = "arn:aws:iam::123456789012:role/mason-long-running"


def body(s3: Any, bucket: str, key: str) -> str:
    return str(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())


# -- retries --------------------------------------------------------------------------


def test_backoff_is_botocores_schedule_scaled_by_the_configuration() -> None:
    default = Backoff(1.0, 20.0)
    assert [default.ceiling(n, throttled=True) for n in (1, 2, 3, 6, 9)] == [1, 2, 4, 20, 20]
    assert default.ceiling(1, throttled=False) == pytest.approx(0.05)
    fast = Backoff(0.01, 0.05)
    assert fast.ceiling(1, throttled=True) == pytest.approx(0.01)
    assert fast.ceiling(10, throttled=True) == pytest.approx(0.05)


def test_throttled_and_failing_calls_are_retried_until_they_succeed(
    storage_factory: Any, fault_proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    storage = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, **FAST)
    metastore = storage_factory("glue", "metastore", endpoint_url=fault_proxy.url, **FAST)

    started = time.monotonic()
    with fault_proxy.fault(s3_list_objects(bucket), SLOW_DOWN, times=3) as slow_down:
        assert [p.path for p in storage.expand_path("s3://mason-data/t/")] == ["mason-data/t/a.csv"]
    assert (slow_down.answered, slow_down.seen) == (3, 4)  # three refused, the fourth served

    with fault_proxy.fault(s3_list_objects(bucket), S3_INTERNAL, times=2) as internal:
        assert storage.exists("s3://mason-data/t/")
    assert (internal.answered, internal.seen) == (2, 3)

    metastore.create_database("analytics")
    with fault_proxy.fault(operation("AWSGlue.GetDatabases"), THROTTLING, times=4) as glue:
        assert [d.name for d in metastore.list_databases()] == ["analytics"]
    assert (glue.answered, glue.seen) == (4, 5)
    # nine retries, waiting the configured backoff (at most 0.2 s in all), where
    # botocore's own (up to 1, 2, 4, 8 s after throttling) would take seconds
    assert time.monotonic() - started < 3


def test_adaptive_mode_retries_too(
    storage_factory: Any, fault_proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    storage = storage_factory("s3", "storage", endpoint_url=fault_proxy.url)  # the defaults
    assert storage.config.retry_mode == "adaptive"
    with fault_proxy.fault(s3_list_objects(bucket), SLOW_DOWN, times=1) as slow_down:
        assert storage.exists("s3://mason-data/t/")
    assert (slow_down.answered, slow_down.seen) == (1, 2)


def test_athena_polling_rides_out_throttling(storage_factory: Any, fault_proxy: FaultProxy) -> None:
    execution = storage_factory(
        "athena", "execution", endpoint_url=fault_proxy.url, poll_seconds=0.01, **FAST
    )
    polled = operation("AmazonAthena.GetQueryExecution")
    with fault_proxy.fault(polled, THROTTLING, times=3) as throttled:
        job = execution.run_job(QueryJob(query_string="SELECT 1", database_name="analytics"))
    assert job.status is JobStatus.SUCCEEDED
    assert throttled.answered == 3 and throttled.seen >= 4


def test_persistent_throttling_is_one_line_and_exit_1(
    tmp_path: Path, aws_env: str, fault_proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    put_text(s3, bucket, "orders/a.csv", "x\n1\n")
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "throttled.yaml"
    config.write_text(
        'type: config\nid: "throttled"\nmetastore_engine: s3\nstorage_engine: s3\n'
        "execution_engine: local\nscheduler_engine: local\nclients:\n  s3:\n"
        f"    configuration:\n      endpoint_url: {fault_proxy.url}\n      max_attempts: 3\n"
        "      retry_backoff_seconds: 0.01\n  local:\n    configuration: {}\n"
    )
    mason = Cli(home, aws_env, tmp_path)
    mason.env["AWS_ACCESS_KEY_ID"] = ACCESS_KEY
    mason.env["AWS_SECRET_ACCESS_KEY"] = SECRET_KEY
    mason("config", str(config))
    mason("config", "-s", "throttled")
    with fault_proxy.fault(s3_list_objects(bucket), SLOW_DOWN, times=None) as slow_down:
        failed = mason("op", "table", "list", "-p", "database_name:mason-data", expect=1)
    assert slow_down.seen == 3  # max_attempts is every attempt, the first included
    output = failed.stdout + failed.stderr
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if "throttled on" in line]
    assert len(lines) == 1, output
    assert "s3: throttled on s3://mason-data/ after 3 attempts (SlowDown:" in lines[0]


# -- a commit that fails half way -----------------------------------------------------


@pytest.fixture
def old_output(s3: Any, bucket: str) -> dict[str, str]:
    old = {
        "exports/out/part-0.csv": "a\nold-0\n",
        "exports/out/part-1.csv": "a\nold-1\n",
        "exports/out/stale.csv": "a\nold-stale\n",
    }
    for key, text in old.items():
        put_text(s3, bucket, key, text)
    return old


@pytest.fixture
def new_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "new"
    folder.mkdir()
    for i in range(4):
        (folder / f"part-{i}.csv").write_text(f"a\nnew-{i}\n")
    return folder


def test_failed_commit_copy_restores_the_old_output(
    storage_factory: Any,
    fault_proxy: FaultProxy,
    s3: Any,
    bucket: str,
    old_output: dict[str, str],
    new_folder: Path,
) -> None:
    storage = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, max_attempts=1)
    # two copies set the overwritten part-0 and part-1 aside; the third of the four
    # copies into place fails, after others already overwrote or added keys
    failing = fault_proxy.fault(s3_copy_object, S3_INTERNAL, skip=4)
    expected = pytest.raises(MasonRuntimeError, match=r"^s3: s3://mason-data/exports/out/part-")
    with failing as fault, expected:
        storage.save(str(new_folder), "s3://mason-data/exports/out/", overwrite=True)
    assert fault.answered == 1 and fault.seen >= 6  # the 4 copies of the commit, then restores
    assert keys(s3, bucket) == sorted(old_output)  # no new, staging or set-aside object left
    assert {k: body(s3, bucket, k) for k in old_output} == old_output

    storage.save(str(new_folder), "s3://mason-data/exports/out/", overwrite=True)  # no fault
    assert keys(s3, bucket) == [f"exports/out/part-{i}.csv" for i in range(4)]
    assert body(s3, bucket, "exports/out/part-1.csv") == "a\nnew-1\n"


def test_failed_commit_copy_into_an_empty_prefix_leaves_nothing(
    storage_factory: Any, fault_proxy: FaultProxy, s3: Any, bucket: str, new_folder: Path
) -> None:
    storage = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, max_attempts=1)
    with fault_proxy.fault(s3_copy_object, S3_INTERNAL, skip=2), pytest.raises(MasonRuntimeError):
        storage.save(str(new_folder), "s3://mason-data/exports/fresh/")
    assert keys(s3, bucket) == []


def test_when_the_restore_fails_too_the_old_objects_are_kept_aside(
    storage_factory: Any,
    fault_proxy: FaultProxy,
    s3: Any,
    bucket: str,
    old_output: dict[str, str],
    new_folder: Path,
) -> None:
    storage = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, max_attempts=1)
    failing = fault_proxy.fault(s3_copy_object, S3_INTERNAL, skip=4, times=None)
    with failing, pytest.raises(MasonRuntimeError) as caught:
        storage.save(str(new_folder), "s3://mason-data/exports/out/", overwrite=True)
    message = str(caught.value)
    assert "restoring the previous output of s3://mason-data/exports/out/ failed" in message
    aside = message.rpartition("kept under ")[2]
    assert aside.startswith("s3://mason-data/exports/.mason-staging-")
    prefix = aside.removeprefix("s3://mason-data/")
    assert prefix.endswith("-previous/") and "\n" not in message
    for name in ("part-0.csv", "part-1.csv"):  # the overwritten ones, safe
        assert body(s3, bucket, prefix + name) == old_output[f"exports/out/{name}"]
    assert body(s3, bucket, "exports/out/stale.csv") == "a\nold-stale\n"  # never deleted


# -- Athena: job get on an id it does not know ----------------------------------------


def test_job_get_on_an_unknown_query_is_not_found(
    storage_factory: Any, fault_proxy: FaultProxy
) -> None:
    direct = storage_factory("athena", "execution", **FAST)  # moto answers a server error
    with pytest.raises(NotFoundError, match=r"^athena: job 'no-such-query' not found"):
        direct.get_job("no-such-query")

    proxied = storage_factory("athena", "execution", endpoint_url=fault_proxy.url, **FAST)
    invalid = json_error(
        400, "InvalidRequestException", "QueryExecution 1f0e was not found"
    )  # what Athena itself answers
    failing = fault_proxy.fault(operation("AmazonAthena.GetQueryExecution"), invalid)
    with failing as fault, pytest.raises(NotFoundError) as caught:
        proxied.get_job("1f0e")
    assert fault.seen == 1  # a client error: not retried
    assert str(caught.value) == (
        "athena: job '1f0e' not found (InvalidRequestException: QueryExecution 1f0e was not found)"
    )


# -- assumed roles --------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def test_assumed_role_credentials_refresh_before_they_expire(
    fault_proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    clock = Clock()
    config = S3ClientConfig(
        assume_role_arn=ROLE,  # type: ignore[arg-type]
        role_duration_seconds=900,  # moto's STS says when they expire: in 15 minutes
        endpoint_url=fault_proxy.url,
    )
    session = AwsSession(config, "s3", clock=clock)
    with fault_proxy.watch(query_action("AssumeRole")) as assumed:
        client = session.client("s3")
        client.head_object(Bucket=bucket, Key="t/a.csv")
        first = session.credentials
        first_fs = session.s3fs
        assert assumed.seen == 1 and session.role is not None and session.role.assumed == 1

        clock.advance(minutes=9)  # 6 minutes left: still fresh
        client.head_object(Bucket=bucket, Key="t/a.csv")
        assert assumed.seen == 1 and session.s3fs is first_fs

        clock.advance(minutes=2)  # 4 minutes left: inside the refresh window (a third)
        client.head_object(Bucket=bucket, Key="t/a.csv")
        assert assumed.seen == 2 and session.role.assumed == 2

        clock.now = datetime.now(timezone.utc)  # the new credentials: 15 minutes again
        second = session.credentials
        assert second.access_key != first.access_key and second.token != first.token
        assert session.s3fs is not first_fs  # s3fs signs with the new keys too
        with session.s3fs.open("mason-data/t/a.csv", "rb") as handle:
            assert handle.read() == b"x\n1\n"
        client.head_object(Bucket=bucket, Key="t/a.csv")
        assert assumed.seen == 2
