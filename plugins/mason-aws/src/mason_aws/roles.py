"""Assumed roles whose credentials refresh themselves.

A role assumed through STS gives credentials that expire (after
``role_duration_seconds``). They are held in botocore's
``RefreshableCredentials``: every signed request checks the expiry and, once
it is near, assumes the role again, so a long-running session (the server, a
scheduler, a big copy) never signs with expired keys. botocore refreshes 15
minutes (optionally) and 10 minutes (compulsorily) before expiry; a role
assumed for less than an hour gets windows of a third and a sixth of its
lifetime instead, so it is not re-assumed on every call.

Imported only when a job talks to AWS (it imports botocore).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials
from botocore.session import Session as BotocoreSession
from botocore.utils import parse_timestamp

from mason.sdk.secrets import remember
from mason_aws.config import AwsClientConfig
from mason_aws.errors import aws_errors

Clock = Callable[[], datetime]

_ADVISORY = 15 * 60  # botocore's defaults
_MANDATORY = 10 * 60


class RoleCredentials(RefreshableCredentials):
    """botocore's refreshable credentials, with refresh windows fitted to a lifetime."""

    def __init__(self, *, lifetime_seconds: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._advisory_refresh_timeout = min(_ADVISORY, lifetime_seconds // 3)
        self._mandatory_refresh_timeout = min(_MANDATORY, lifetime_seconds // 6)


class _Provider(CredentialProvider):  # type: ignore[misc]
    METHOD = "mason-assume-role"
    CANONICAL_NAME = "custom-mason-assume-role"

    def __init__(self, credentials: RoleCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RoleCredentials:
        return self._credentials


class RoleAssumer:
    """Assumes ``config.assume_role_arn`` with ``base``'s credentials, counting how often."""

    def __init__(
        self,
        base: boto3.Session,
        config: AwsClientConfig,
        client_name: str,
        sts_endpoint: str | None,
        botocore_config: Any,
    ) -> None:
        assert config.assume_role_arn is not None
        self.config = config
        self.client_name = client_name
        self.assumed = 0
        self._lock = threading.Lock()
        self._sts = base.client("sts", endpoint_url=sts_endpoint, config=botocore_config)

    def __call__(self) -> dict[str, str]:
        """Fresh credentials, in the form ``RefreshableCredentials`` refreshes from."""
        assert self.config.assume_role_arn is not None
        with aws_errors(self.client_name, "role (assume_role_arn)"):
            answer = self._sts.assume_role(
                RoleArn=self.config.assume_role_arn.get_secret_value(),
                RoleSessionName=self.config.role_session_name,
                DurationSeconds=self.config.role_duration_seconds,
            )
        temp = answer["Credentials"]
        for value in (temp["AccessKeyId"], temp["SecretAccessKey"], temp["SessionToken"]):
            remember(value)
        with self._lock:
            self.assumed += 1
        expiry = temp["Expiration"]
        return {
            "access_key": temp["AccessKeyId"],
            "secret_key": temp["SecretAccessKey"],
            "token": temp["SessionToken"],
            "expiry_time": expiry.isoformat() if isinstance(expiry, datetime) else str(expiry),
        }


def role_session(assumer: RoleAssumer, region: str, clock: Clock | None) -> boto3.Session:
    """A boto3 session signing with the role's credentials, refreshed before they expire."""
    first = assumer()  # now, so a wrong role fails before any work starts
    extra = {"time_fetcher": clock} if clock is not None else {}
    credentials = RoleCredentials(
        lifetime_seconds=assumer.config.role_duration_seconds,
        access_key=first["access_key"],
        secret_key=first["secret_key"],
        token=first["token"],
        expiry_time=parse_timestamp(first["expiry_time"]),
        refresh_using=assumer,
        method=_Provider.METHOD,
        **extra,
    )
    core = BotocoreSession()
    core.register_component("credential_provider", CredentialResolver([_Provider(credentials)]))
    return boto3.Session(botocore_session=core, region_name=region)
