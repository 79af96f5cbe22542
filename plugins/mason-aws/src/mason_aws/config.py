"""The AWS clients' configuration models.

Every field is optional: with nothing set, credentials, region and endpoint
come from the usual AWS chain (environment, ``~/.aws``), as boto3 finds them.
Keys, tokens and role ARNs are secrets, so Mason prints them as ``REDACTED``.

Two roles, two settings. ``aws_role_arn`` keeps the original Mason's meaning:
the IAM role the glue client hands to the crawlers it creates (a Glue service
role, which the caller usually cannot assume). ``assume_role_arn``, on any AWS
client, is a role Mason itself assumes through STS before every call.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class AwsClientConfig(BaseModel):
    """What every AWS client shares: who it is, where it talks, how it retries."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    aws_region: str | None = Field(default=None, description="AWS region, e.g. us-east-1")
    access_key: SecretStr | None = Field(default=None, description="AWS access key id")
    secret_key: SecretStr | None = Field(default=None, description="AWS secret access key")
    session_token: SecretStr | None = Field(
        default=None, description="session token of temporary credentials"
    )
    profile: str | None = Field(default=None, description="a profile of ~/.aws/config")
    assume_role_arn: SecretStr | None = Field(
        default=None,
        description="a role Mason assumes through STS before any call (not the crawlers' role)",
    )
    role_session_name: str = Field(default="mason", description="STS session name")
    endpoint_url: str | None = Field(
        default=None,
        description=(
            "an S3-compatible or test endpoint for every service; default: "
            "AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL from the environment"
        ),
    )
    role_duration_seconds: int = Field(
        default=3600,
        ge=900,
        le=43200,
        description="lifetime of the assumed role's credentials; they refresh before expiring",
    )
    retry_mode: Literal["standard", "adaptive"] = Field(
        default="adaptive",
        description=(
            "botocore retry mode for throttling and transient errors; adaptive also slows "
            "the client down while it is being throttled"
        ),
    )
    max_attempts: int = Field(
        default=8, ge=1, le=50, description="attempts per AWS call, the first one included"
    )
    retry_backoff_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description=(
            "longest first wait after a throttling error, doubling with each retry (full "
            "jitter); transient server errors wait a twentieth of it"
        ),
    )
    retry_max_backoff_seconds: float = Field(
        default=20.0, gt=0, le=300, description="cap on any one wait between attempts"
    )
    connect_timeout_seconds: float = Field(
        default=10.0, gt=0, le=600, description="longest wait for a connection to the endpoint"
    )
    read_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="longest wait for an answer, or for its next bytes, before the attempt fails",
    )
    total_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=86400,
        description=(
            "bound on one call, its retries included: no new attempt starts once it has "
            "passed, so a stalled endpoint fails the call in about this long"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _crawler_role_is_glue_only(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "aws_role_arn" in data
            and "aws_role_arn" not in cls.model_fields
        ):
            raise ValueError(
                "aws_role_arn is the role the glue client hands to its crawlers, which this "
                "client has none of; to have Mason assume a role through STS, name it "
                "assume_role_arn"
            )
        return data

    @model_validator(mode="after")
    def _key_pair(self) -> AwsClientConfig:
        if (self.access_key is None) != (self.secret_key is None):
            raise ValueError("access_key and secret_key must be given together")
        if self.session_token is not None and self.access_key is None:
            raise ValueError("session_token needs access_key and secret_key")
        return self


class S3ClientConfig(AwsClientConfig):
    infer_workers: int = Field(
        default=32, ge=1, le=256, description="objects whose schemas are read concurrently"
    )
    sample_bytes: int = Field(
        default=1 << 20, ge=1024, description="bytes of each CSV or JSON object read to infer it"
    )
    staging_prefix: str = Field(
        default=".mason-staging",
        description="hidden prefix (beside the destination) where writes stage until complete",
    )


class GlueClientConfig(AwsClientConfig):
    aws_role_arn: SecretStr | None = Field(
        default=None,
        description=(
            "IAM role the crawlers this client creates run as (the original Mason's meaning); "
            "Mason does not assume it: see assume_role_arn"
        ),
    )
    catalog_id: str | None = Field(default=None, description="Data Catalog id; default: account")


class AthenaClientConfig(AwsClientConfig):
    workgroup: str = Field(default="primary", description="Athena workgroup queries run in")
    output_location: str | None = Field(
        default=None,
        description="s3:// prefix for query results; default: the workgroup's own setting",
    )
    catalog: str = Field(default="AwsDataCatalog", description="Athena data catalog")
    wait_seconds: float = Field(
        default=120.0,
        ge=0,
        description="how long a query job is polled before it is returned still running",
    )
    poll_seconds: float = Field(default=0.5, gt=0, description="first polling interval")
    preview_rows: int = Field(default=20, ge=0, description="rows fetched as a job's preview")
