"""Overwrites and the output lock on S3, against moto's server on 127.0.0.1
(docs/safety.md, "Overwrites"): a bucket root, foreign objects and a job's
input are never replaced, and a second writer of one output fails before it
stages anything."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mason_core.outputs import OutputBusyError, OutputRefusedError
from tests.aws.conftest import (  # noqa: F401  (fixtures used by name)
    aws_env,
    bucket,
    moto_url,
    only_local_connections,
    put_text,
    s3,
    storage_factory,
)


@pytest.fixture
def storage(storage_factory: Any) -> Any:  # noqa: F811
    return storage_factory("s3", "storage")


def everything(s3: Any, bucket: str) -> dict[str, bytes]:  # noqa: F811
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def parquet_folder(tmp_path: Path, name: str = "out") -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / name
    folder.mkdir()
    pq.write_table(pa.table({"x": [1, 2]}), folder / "part-00000.parquet")
    return folder


def test_a_bucket_root_is_refused(storage: Any, s3: Any, bucket: str, tmp_path: Path) -> None:  # noqa: F811
    put_text(s3, bucket, "other/team.parquet", "theirs")
    before = everything(s3, bucket)
    with pytest.raises(OutputRefusedError, match="a bucket root"):
        storage.save(str(parquet_folder(tmp_path)), f"s3://{bucket}/", overwrite=True)
    assert everything(s3, bucket) == before


def test_foreign_objects_are_refused_by_name(
    storage: Any,
    s3: Any,  # noqa: F811
    bucket: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    put_text(s3, bucket, "exports/out/part-0.parquet", "old")
    put_text(s3, bucket, "exports/out/README.md", "hand written")
    before = everything(s3, bucket)
    with pytest.raises(OutputRefusedError, match=r"README\.md.*not part of a parquet dataset"):
        storage.save(str(parquet_folder(tmp_path)), f"s3://{bucket}/exports/out/", overwrite=True)
    assert everything(s3, bucket) == before


def test_a_previous_output_is_replaced(storage: Any, s3: Any, bucket: str, tmp_path: Path) -> None:  # noqa: F811
    put_text(s3, bucket, "exports/out/k=1/part-0.parquet", "old")
    put_text(s3, bucket, "exports/out/_SUCCESS", "")
    storage.save(str(parquet_folder(tmp_path)), f"s3://{bucket}/exports/out/", overwrite=True)
    keys = sorted(everything(s3, bucket))
    assert keys == ["exports/out/part-00000.parquet"]


def test_an_input_is_refused(storage: Any, s3: Any, bucket: str) -> None:  # noqa: F811
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    before = everything(s3, bucket)
    with pytest.raises(OutputRefusedError, match="overlaps the input"):
        storage.copy(f"s3://{bucket}/t/", f"s3://{bucket}/t/inner/", overwrite=True)
    with pytest.raises(OutputRefusedError, match="overlaps the input"):
        storage.copy(f"s3://{bucket}/t/", f"s3://{bucket}/", overwrite=True)
    assert everything(s3, bucket) == before


HOLDER = """
import sys, boto3
from mason_aws.s3.lock import s3_output_lock
from mason_aws.s3.paths import parse_s3
s3 = boto3.client("s3")
with s3_output_lock(s3, "s3", parse_s3(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_second_writer_fails_before_staging_anything(
    storage: Any,
    s3: Any,  # noqa: F811
    bucket: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    target = f"s3://{bucket}/exports/out/"
    put_text(s3, bucket, "exports/out/part-0.parquet", "old")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, target],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = everything(s3, bucket)
        with pytest.raises(OutputBusyError, match=f"pid {holder.pid}"):
            storage.save(str(parquet_folder(tmp_path)), target, overwrite=True)
        assert everything(s3, bucket) == before  # no staging prefix, old output intact
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    storage.save(str(parquet_folder(tmp_path, "again")), target, overwrite=True)
    assert sorted(everything(s3, bucket)) == ["exports/out/part-00000.parquet"]


def test_a_lock_left_by_a_dead_process_here_is_taken_over(
    storage: Any,
    s3: Any,  # noqa: F811
    bucket: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    record = {"host": socket.gethostname(), "pid": int(dead.stdout), "since": 0}
    s3.put_object(Bucket=bucket, Key="exports/.mason-lock-out", Body=json.dumps(record).encode())
    storage.save(str(parquet_folder(tmp_path)), f"s3://{bucket}/exports/out/")
    assert sorted(everything(s3, bucket)) == ["exports/out/part-00000.parquet"]


def test_a_lock_whose_pid_now_belongs_to_a_newer_process_is_taken_over(
    storage: Any,
    s3: Any,  # noqa: F811
    bucket: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The holder died and the system gave its pid to another process: the pid
    is alive, but it started at another time than the lock says."""
    from mason.sdk.jobs import process_started

    other = subprocess.Popen(["sleep", "60"])
    try:
        started = process_started(other.pid)
        assert started is not None
        lock = {"host": socket.gethostname(), "pid": other.pid, "since": 0}
        key = "exports/.mason-lock-out"
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps({**lock, "started": started}))
        with pytest.raises(OutputBusyError, match=f"pid {other.pid}"):  # its own: held
            storage.save(str(parquet_folder(tmp_path)), f"s3://{bucket}/exports/out/")
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps({**lock, "started": started - 1}))
        storage.save(str(parquet_folder(tmp_path, "again")), f"s3://{bucket}/exports/out/")
    finally:
        other.kill()
        other.wait()
    assert sorted(everything(s3, bucket)) == ["exports/out/part-00000.parquet"]
