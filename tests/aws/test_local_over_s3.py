"""Local execution over S3 (``metastore: s3, execution: local``): DuckDB reads
the tables through pyarrow with the ``s3`` client's endpoint and credentials
from the configuration, never with what the environment holds."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

import mason
from tests.aws.conftest import REGION, put_parquet

CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens there: a request to it fails


@pytest.fixture
def iam_user_keys(aws_env: str) -> Iterator[dict[str, Any]]:
    """Keys of an IAM user allowed everything on S3; ``keys["enforce"]()`` makes
    moto check every request's credentials from then on (off again afterwards)."""
    iam = boto3.client("iam", endpoint_url=aws_env, region_name=REGION)
    iam.create_user(UserName="mason")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="mason", PolicyName="s3", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="mason")["AccessKey"]
    keys: dict[str, Any] = {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}

    def enforce(value: str) -> None:
        request = urllib.request.Request(
            f"{aws_env}/moto-api/reset-auth",
            data=value.encode(),
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()

    keys["enforce"] = lambda: enforce("0")
    try:
        yield keys
    finally:
        enforce("inf")


def _session(tmp_path: Path, text: str) -> mason.Session:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(path))
    session.configs.set_current(session.configs.read_file(path).id)
    return session


def test_query_uses_the_s3_clients_endpoint_and_keys(
    tmp_path: Path,
    aws_env: str,
    s3: Any,
    iam_user_keys: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s3.create_bucket(Bucket="mason-demo")
    for day in ("2020-06-01", "2020-06-02"):
        put_parquet(s3, "mason-demo", f"parts/day={day}/p.parquet", {"n": [1, 2]})
    # the environment points nowhere useful: its endpoint is closed and its keys
    # (the test defaults) are not an IAM user's, so moto refuses them
    iam_user_keys["enforce"]()
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED_PORT)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", CLOSED_PORT)
    session = _session(
        tmp_path,
        "type: config\nid: '4'\nmetastore_engine: s3\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n  s3:\n    configuration:\n"
        f"      endpoint_url: {aws_env}\n"
        f"      access_key: {iam_user_keys['access_key']}\n"
        f"      secret_key: {iam_user_keys['secret_key']}\n"
        "  local:\n    configuration: {}\n",
    )
    response = session.run(
        "table",
        "query",
        {
            "database_name": "mason-demo",
            "query_string": "SELECT CAST(day AS VARCHAR) AS day, sum(n) AS total FROM parts "
            "GROUP BY day ORDER BY day",
        },
    )
    assert response.errors == []
    job = response.data[0]
    assert job.preview == [
        {"day": "2020-06-01", "total": "3"},
        {"day": "2020-06-02", "total": "3"},
    ]


def test_a_remote_table_no_client_reaches_is_refused_not_read_from_the_environment(
    tmp_path: Path, storage_factory: Any, s3: Any
) -> None:
    """A local execution engine outside a configuration with an S3 client (its
    context resolves no filesystem) refuses an s3:// table, though the
    environment holds working credentials and endpoint."""
    from mason_core.models import QueryJob, Table

    s3.create_bucket(Bucket="mason-demo")
    put_parquet(s3, "mason-demo", "t/p.parquet", {"n": [1]})
    execution = storage_factory("local", "execution")
    table = Table(name="t", database="demo", location="s3://mason-demo/t/", format="parquet")
    job = execution.run_job(
        QueryJob(query_string="SELECT n FROM t", database_name="demo", tables=[table])
    )
    assert job.status == "failed"
    assert "no client of this configuration reaches" in (job.error or "")


def test_the_resolver_prefers_the_storage_client_and_carries_its_endpoint(
    tmp_path: Path, aws_env: str
) -> None:
    """What EngineSet hands engines: the s3 client's settings, for s3 URIs only."""
    from mason_core.operators.context import EngineSet

    session = _session(
        tmp_path,
        "type: config\nid: '4'\nmetastore_engine: s3\nexecution_engine: local\n"
        f"clients:\n  s3:\n    configuration:\n      endpoint_url: {aws_env}\n",
    )
    engines = EngineSet(session.registry, session.configs.get("4"), session.home)
    try:
        found = engines.remote_filesystem("s3://mason-demo/parts/")
        assert found is not None and found.client == "s3" and found.path == "mason-demo/parts"
        reads_with = found.filesystem.handler.aws  # Mason's verified filesystem's session
        assert (reads_with.region, reads_with.endpoint("s3")) == (REGION, aws_env)
        assert engines.remote_filesystem("gs://elsewhere/x") is None
        assert engines.remote_filesystem("/local/file") is None
    finally:
        engines.close()
