# ruff: noqa: F811  (the fixtures imported from tests.faults._consistency are parameters here)
"""A stalled S3 endpoint is bounded by the client's configuration: each
attempt by ``read_timeout_seconds``, the whole call by
``total_timeout_seconds`` (no new attempt starts once it has passed, however
many ``max_attempts`` allow), and the error says it timed out and after how
long, for every library Mason reads S3 with (boto3, obstore, s3fs) and for a
query DuckDB runs over S3.

The proxy answers nothing to the stalled requests; the bound is asserted by
the attempts it saw (fewer than ``max_attempts``), not by a stopwatch."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mason.sdk.errors import MasonRuntimeError
from tests.aws.conftest import put_parquet
from tests.aws.faults import FaultProxy, Request, Stall, s3_get_object
from tests.faults._consistency import (  # noqa: F401  (fixtures)
    aws_env,
    bucket,
    fault_proxy,
    moto_url,
    only_local_connections,
    s3,
    s3_local_config,
    session_with,
    storage_factory,
)

#: one second per attempt, three in all: at most about four attempts of the eight allowed
BOUNDS = {"read_timeout_seconds": 1, "total_timeout_seconds": 3, "max_attempts": 8}
TIMED_OUT = re.compile(r"^s3: s3://mason-data/f/a\.parquet timed out after \d+ s \(")


def _object_gets(request: Request) -> bool:
    return s3_get_object("mason-data")(request)


def _reads(aws: Any) -> dict[str, Callable[[], object]]:
    from mason_aws.s3.readers import read_bytes

    def boto3_read() -> object:
        from mason_aws.errors import aws_errors

        with aws_errors("s3", "s3://mason-data/f/a.parquet"):
            return aws.client("s3").get_object(Bucket="mason-data", Key="f/a.parquet")

    def s3fs_read() -> object:
        from mason_aws.errors import aws_errors

        with aws_errors("s3", "s3://mason-data/f/a.parquet"):
            return aws.s3fs.cat_file("mason-data/f/a.parquet", start=0, end=4)

    return {
        "boto3": boto3_read,
        "obstore": lambda: read_bytes(aws, "mason-data", "f/a.parquet", last=8),
        "s3fs": s3fs_read,
    }


@pytest.mark.parametrize("library", ["boto3", "obstore", "s3fs"])
def test_a_stalled_read_times_out_within_the_total_bound(
    library: str,
    storage_factory: Any,
    s3: Any,
    bucket: str,
    fault_proxy: FaultProxy,
) -> None:
    put_parquet(s3, bucket, "f/a.parquet", {"id": [1, 2, 3]})
    aws = storage_factory("s3", "storage", endpoint_url=fault_proxy.url, **BOUNDS).aws
    read = _reads(aws)[library]
    with fault_proxy.fault(_object_gets, Stall(6), times=None) as stalled:  # noqa: SIM117
        with pytest.raises(MasonRuntimeError) as failed:
            read()
    message = str(failed.value)
    assert TIMED_OUT.match(message), message
    assert "\n" not in message and "error sending request" not in message
    assert 1 <= stalled.seen <= 5  # the total bound stopped it, not max_attempts (8)


def test_a_query_over_a_stalled_endpoint_says_it_timed_out(
    tmp_path: Path,
    s3: Any,
    bucket: str,
    fault_proxy: FaultProxy,
) -> None:
    put_parquet(s3, bucket, "f/a.parquet", {"id": [1, 2, 3]})
    settings = {k: v for k, v in BOUNDS.items() if k != "max_attempts"}
    session = session_with(tmp_path, s3_local_config(fault_proxy.url, **settings))
    with fault_proxy.fault(_object_gets, Stall(6), times=None):
        answer = session.run(
            "table", "query", {"database_name": "mason-data", "query_string": "SELECT * FROM f"}
        )
    assert answer.data == []
    assert len(answer.errors) == 1
    assert "s3: s3://mason-data/f/a.parquet timed out after" in answer.errors[0]
