"""Client configuration (secrets, STS) and AWS errors as one-line Mason errors."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from mason_aws.config import GlueClientConfig, S3ClientConfig
from pydantic import ValidationError

import mason
from mason_core.errors import ConfigurationError, MasonRuntimeError
from mason_core.secrets import scrub
from tests.aws.conftest import ACCESS_KEY, REGION, SECRET_KEY, put_text


def test_secrets_are_redacted_and_scrubbed(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "type: config\nid: aws\nmetastore_engine: glue\nclients:\n  glue:\n    configuration:\n"
        "      access_key: '{{AWS_ACCESS_KEY_ID}}'\n      secret_key: '{{AWS_SECRET_ACCESS_KEY}}'\n"
        "      session_token: tok-0123456789\n      aws_role_arn: arn:aws:iam::1:role/r\n"
    )
    session = mason.Session()
    parsed = session.configs.read_file(config)
    shown = parsed.redacted()["metastore"]["glue"]
    assert {shown[k] for k in ("access_key", "secret_key", "session_token", "aws_role_arn")} == {
        "REDACTED"
    }
    assert scrub(f"boom {SECRET_KEY} tok-0123456789") == "boom REDACTED REDACTED"
    with pytest.raises(ValidationError, match="together"):
        S3ClientConfig(access_key=ACCESS_KEY)  # type: ignore[arg-type]


def test_assume_role_arn_is_assumed_through_sts(storage_factory: Any, s3: Any, bucket: str) -> None:
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    role = "arn:aws:iam::123456789012:role/r"
    storage = storage_factory("s3", "storage", assume_role_arn=role)
    assert storage.aws.credentials.access_key != ACCESS_KEY  # moto's STS issued temporary keys
    assert storage.aws.credentials.token
    assert [p.path for p in storage.expand_path("s3://mason-data/t/")] == ["mason-data/t/a.csv"]


def test_glue_aws_role_arn_is_the_crawlers_role_and_never_assumed(
    storage_factory: Any, glue: Any
) -> None:
    """The original meaning: handed to crawlers; Mason signs with its own keys."""
    glue.create_database(DatabaseInput={"Name": "sales"})
    metastore = storage_factory("glue", "metastore", aws_role_arn="arn:aws:iam::1:role/Glue")
    assert [d.name for d in metastore.list_databases()] == ["sales"]
    assert metastore.aws.role is None  # no STS call was made
    assert metastore.aws.credentials.access_key == ACCESS_KEY
    assert GlueClientConfig(aws_role_arn="x" * 8).assume_role_arn is None  # type: ignore[arg-type]


def test_aws_role_arn_outside_glue_points_at_assume_role_arn() -> None:
    with pytest.raises(ValidationError, match="name it assume_role_arn"):
        S3ClientConfig.model_validate({"aws_role_arn": "arn:aws:iam::1:role/r"})


@pytest.fixture
def enforced_auth(aws_env: str) -> Iterator[str]:
    """Moto checks IAM from the next request on; switched off again afterwards."""

    def set_count(value: str) -> None:
        request = urllib.request.Request(
            f"{aws_env}/moto-api/reset-auth",
            data=value.encode(),
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()

    set_count("4")
    try:
        yield aws_env
    finally:
        set_count("inf")


def test_access_denied_and_bad_credentials_are_one_line(
    enforced_auth: str, storage_factory: Any
) -> None:
    iam = boto3.client("iam", endpoint_url=enforced_auth, region_name=REGION)
    s3 = boto3.client("s3", endpoint_url=enforced_auth, region_name=REGION)
    s3.create_bucket(Bucket="locked")
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    denied = storage_factory(
        "s3", "storage", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]
    )
    with pytest.raises(MasonRuntimeError) as caught:
        denied.expand_path("s3://locked/data/")
    message = str(caught.value)
    assert message.startswith("s3: access denied to") and "locked" in message
    assert "\n" not in message and key["SecretAccessKey"] not in message
    unknown = storage_factory("s3", "storage", access_key="AKIAUNKNOWN000", secret_key="x" * 20)
    with pytest.raises(ConfigurationError, match="s3: credentials were refused"):
        unknown.expand_path("s3://locked/data/")
