"""One AWS identity per engine: credentials, role assumption, endpoints and
retries resolved once, then handed to boto3, s3fs and obstore alike (engines
reading through pyarrow get :mod:`mason_aws.s3.arrowfs`, whose GETs are
obstore's or boto3's). So are the timeouts: ``connect_timeout_seconds`` and
``read_timeout_seconds`` bound each attempt, ``total_timeout_seconds`` a call
with its retries (boto3: :mod:`mason_aws.retries`; obstore: its
``retry_timeout``), and a call that runs out says it timed out, and after how long.

An assumed role's credentials refresh themselves before they expire
(:mod:`mason_aws.roles`); boto3 clients sign with them as they are, and the
s3fs filesystem is rebuilt when they change. Retries follow the client
configuration (:mod:`mason_aws.retries`).

All of them get the same resolved credentials and the same explicit endpoint,
so an ``endpoint_url`` (an S3-compatible store, or a test server) is honoured
by each and nothing falls back to another endpoint.

Why obstore too: inference reads thousands of small footers, and botocore
spends ~1.5 ms of Python CPU signing and parsing each GET, which the GIL
serialises however many threads wait on the network. obstore signs and
fetches in Rust outside the GIL (~0.3 ms per GET), so concurrent reads are
bounded by S3's latency instead of the client's CPU (``nox -s bench --
s3_infer``).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import ConfigurationError
from mason.sdk.models import Credentials
from mason.sdk.secrets import remember
from mason_aws import retries
from mason_aws.config import AwsClientConfig

if TYPE_CHECKING:
    import boto3
    from obstore.store import ClientConfig, S3Config, S3Credential, S3Store
    from s3fs import S3FileSystem

    from mason_aws.roles import RoleAssumer


#: variables obstore reads on its own, which change its GETs, and which the
#: configuration has no value to override with: an SSE-C key would be sent
#: with every read (botocore knows no such variable).
_OBSTORE_ONLY_SETTINGS = ("AWS_SSE_CUSTOMER_KEY_BASE64",)


@dataclass(frozen=True)
class ResolvedCredentials:
    access_key: str
    secret_key: str
    token: str | None


class AwsSession:
    """Lazily built clients for one client configuration; thread-safe."""

    def __init__(
        self,
        config: AwsClientConfig,
        client_name: str,
        max_pool: int = 10,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.client_name = client_name
        self.max_pool = max_pool
        self.clock = clock  # what an assumed role's expiry is checked against (tests)
        self.role: RoleAssumer | None = None  # set once a role has been assumed
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._s3fs: tuple[ResolvedCredentials, S3FileSystem] | None = None
        self._stores: dict[str, S3Store] = {}

    # -- where and how ------------------------------------------------------------------

    @property
    def region(self) -> str:
        return (
            self.config.aws_region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )

    def endpoint(self, service: str) -> str | None:
        """The configured endpoint, else the environment's (as botocore reads it)."""
        return (
            self.config.endpoint_url
            or os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}")
            or os.environ.get("AWS_ENDPOINT_URL")
            or None
        )

    def botocore_config(self) -> Any:
        from botocore.config import Config

        return Config(
            region_name=self.region,
            retries={
                "mode": self.config.retry_mode,
                "total_max_attempts": self.config.max_attempts,
            },
            max_pool_connections=max(10, self.max_pool),
            connect_timeout=self.config.connect_timeout_seconds,
            read_timeout=self.config.read_timeout_seconds,
        )

    # -- who ----------------------------------------------------------------------------

    @cached_property
    def boto(self) -> boto3.Session:
        """The boto3 session: the configured keys or profile, then the assumed role,
        whose credentials refresh themselves before they expire (see mason_aws.roles)."""
        import boto3

        c = self.config
        base = boto3.Session(
            aws_access_key_id=c.access_key.get_secret_value() if c.access_key else None,
            aws_secret_access_key=c.secret_key.get_secret_value() if c.secret_key else None,
            aws_session_token=c.session_token.get_secret_value() if c.session_token else None,
            profile_name=c.profile,
            region_name=self.region,
        )
        if c.assume_role_arn is None:
            return base
        from mason_aws.roles import RoleAssumer, role_session

        self.role = RoleAssumer(
            base, c, self.client_name, self.endpoint("sts"), self.botocore_config()
        )
        return role_session(self.role, self.region, self.clock)

    @property
    def credentials(self) -> ResolvedCredentials:
        """The credentials to sign with now (an assumed role's are refreshed first
        when they are about to expire)."""
        found = self.boto.get_credentials()
        if found is None:
            raise ConfigurationError(
                f"client '{self.client_name}': no AWS credentials (set access_key and "
                "secret_key, a profile, or AWS_ACCESS_KEY_ID in the environment or .env)"
            )
        frozen = found.get_frozen_credentials()
        for value in (frozen.access_key, frozen.secret_key, frozen.token):
            if value:
                remember(value)
        return ResolvedCredentials(str(frozen.access_key), str(frozen.secret_key), frozen.token)

    def canonical_credentials(self) -> Credentials:
        from pydantic import SecretStr

        creds = self.credentials
        return Credentials(
            client=self.client_name,
            access_key=SecretStr(creds.access_key),
            secret_key=SecretStr(creds.secret_key),
            session_token=SecretStr(creds.token) if creds.token else None,
            region=self.region,
        )

    # -- clients ------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` (built once; boto3 clients are thread-safe)."""
        with self._lock:
            if service not in self._clients:
                client = self.boto.client(
                    service,  # type: ignore[call-overload]
                    endpoint_url=self.endpoint(service),
                    config=self.botocore_config(),
                )
                retries.install(client, self.config)
                self._clients[service] = client
            return self._clients[service]

    @property
    def s3fs(self) -> S3FileSystem:
        """An s3fs filesystem signing with the current credentials: rebuilt when an
        assumed role's credentials have been refreshed."""
        creds = self.credentials
        with self._lock:
            if self._s3fs is None or self._s3fs[0] != creds:
                self._s3fs = (creds, self._new_s3fs(creds))
            return self._s3fs[1]

    def arrow_s3(self) -> Any:
        """A pyarrow S3 filesystem (``pyarrow.fs.S3FileSystem``) with the same
        credentials (as they are now), region, endpoint, CA bundle, attempts and
        timeouts: for pyiceberg's reads and writes of a Glue Iceberg table's
        metadata, manifests and data files. Queries read through the verified
        :mod:`mason_aws.s3.arrowfs` instead."""
        from urllib.parse import urlsplit

        from pyarrow.fs import AwsStandardS3RetryStrategy, S3FileSystem

        creds = self.credentials
        endpoint = self.endpoint("s3")
        extra: dict[str, Any] = {}
        if endpoint:
            parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
            extra = {"endpoint_override": parts.netloc, "scheme": parts.scheme or "https"}
        bundle = self.ca_bundle()
        if bundle is not None:
            extra["tls_ca_file_path"] = bundle
        try:
            return S3FileSystem(
                access_key=creds.access_key,
                secret_key=creds.secret_key,
                session_token=creds.token,
                region=self.region,
                retry_strategy=AwsStandardS3RetryStrategy(max_attempts=self.config.max_attempts),
                connect_timeout=self.config.connect_timeout_seconds,
                request_timeout=self.config.read_timeout_seconds,
                **extra,
            )
        except TypeError as exc:
            if "tls_ca_file_path" not in str(exc):
                raise
            import pyarrow

            raise ConfigurationError(
                f"client '{self.client_name}': pyarrow {pyarrow.__version__} cannot verify "
                "TLS with a CA bundle (tls_ca_file_path); upgrade pyarrow"
            ) from None

    def object_store(self, bucket: str) -> S3Store | None:
        """An obstore store for ``bucket`` (built once per bucket): GETs signed and
        sent in Rust, outside the GIL. Keys it cannot name exactly are read through
        boto3 instead (see :func:`mason_aws.s3.readers.obstore_addressable`), and
        so is everything when the environment holds a setting of obstore's own
        that cannot be overridden (``None``)."""
        if any(os.environ.get(name) for name in _OBSTORE_ONLY_SETTINGS):
            return None
        with self._lock:
            store = self._stores.get(bucket)
        if store is None:
            store = self._new_object_store(bucket)
            with self._lock:
                store = self._stores.setdefault(bucket, store)
        return store

    def _new_object_store(self, bucket: str) -> S3Store:
        from obstore.store import S3Store

        endpoint = self.endpoint("s3")
        if endpoint and "://" not in endpoint:
            endpoint = f"https://{endpoint}"
        c = self.config
        client_options: ClientConfig = {
            "allow_http": bool(endpoint and endpoint.startswith("http://")),
            "connect_timeout": timedelta(seconds=c.connect_timeout_seconds),
            "timeout": timedelta(seconds=c.read_timeout_seconds),
            "pool_max_idle_per_host": str(max(10, self.max_pool)),
        }
        bundle = self.ca_bundle()
        if bundle is not None:
            client_options["root_certificate"] = Path(bundle).read_bytes()
        # obstore reads AWS_* variables of its own on top of what it is given (some
        # outranking it: AWS_ENDPOINT_URL_S3 over `endpoint`), so everything a GET
        # depends on is stated here, as botocore resolves it, and nothing else
        # applies: no unsigned requests, no S3 Express, no requester-pays.
        pinned: S3Config = {
            "region": self.region if endpoint else self._bucket_region(bucket),
            # AWS names a bucket in the host; an S3-compatible endpoint (or a dotted
            # bucket, which breaks TLS as a host name) takes it in the path.
            "virtual_hosted_style_request": not endpoint and "." not in bucket,
            "skip_signature": False,
            "s3_express": False,
            "request_payer": False,
        }
        if endpoint:
            pinned["endpoint"] = endpoint
            pinned["aws_endpoint_url_s3"] = endpoint
        return S3Store(
            bucket,
            config=pinned,
            client_options=client_options,
            retry_config={
                "max_retries": c.max_attempts - 1,
                "retry_timeout": timedelta(seconds=c.total_timeout_seconds),
                "backoff": {
                    "init_backoff": timedelta(seconds=c.retry_backoff_seconds / 20),
                    "max_backoff": timedelta(seconds=c.retry_max_backoff_seconds),
                    "base": 2,
                },
            },
            credential_provider=self._obstore_credentials,
        )

    def object_store_options(self) -> dict[str, str]:
        """This client's settings as Rust ``object_store`` options, the
        ``storage_options`` delta-rs takes: the current credentials (an assumed
        role's included, with its session token; asked for again on each call,
        so a caller about to read calls it then), region, endpoint (plain HTTP
        allowed only for an ``http://`` one, path-style addressing for any
        explicit one) and the per-attempt timeouts. Not carried: a CA bundle
        (``object_store`` takes none as an option; delta-rs verifies TLS with
        the system's roots, so a private CA fails its reads loudly) and the
        retry settings.
        """
        creds = self.credentials
        c = self.config
        options = {
            "AWS_ACCESS_KEY_ID": creds.access_key,
            "AWS_SECRET_ACCESS_KEY": creds.secret_key,
            "AWS_REGION": self.region,
            "timeout": f"{round(c.read_timeout_seconds * 1000)}ms",
            "connect_timeout": f"{round(c.connect_timeout_seconds * 1000)}ms",
        }
        if creds.token:
            options["AWS_SESSION_TOKEN"] = creds.token
        endpoint = self.endpoint("s3")
        if endpoint:
            if "://" not in endpoint:
                endpoint = f"https://{endpoint}"
            # object_store reads AWS_ENDPOINT_URL_S3 from the environment over
            # the option without the suffix: both are stated
            options["AWS_ENDPOINT_URL"] = options["AWS_ENDPOINT_URL_S3"] = endpoint
            options["AWS_VIRTUAL_HOSTED_STYLE_REQUEST"] = "false"
            options["AWS_ALLOW_HTTP"] = "true" if endpoint.startswith("http://") else "false"
        return options

    def ca_bundle(self) -> str | None:
        """The PEM file of roots botocore verifies TLS with (``AWS_CA_BUNDLE``, or
        ``ca_bundle`` in the profile), handed to the clients that do not read
        botocore's settings (obstore): a private CA (a proxy, a
        self-hosted store) is trusted by every one of them or by none."""
        botocore_session = getattr(self.boto, "_session", None)
        path = (
            botocore_session.get_config_variable("ca_bundle")
            if botocore_session is not None
            else os.environ.get("AWS_CA_BUNDLE")
        )
        if not path:
            return None
        found = Path(path).expanduser()
        if not os.access(found, os.R_OK) or not found.is_file():
            raise ConfigurationError(
                f"client '{self.client_name}': cannot read the CA bundle {path}"
            )
        return str(found)

    def _obstore_credentials(self) -> S3Credential:
        """The credentials obstore signs with: keys without a token never expire;
        temporary ones are asked for again each minute, which lets an assumed
        role's refresh (see :attr:`credentials`) reach obstore in time."""
        creds = self.credentials
        return {
            "access_key_id": creds.access_key,
            "secret_access_key": creds.secret_key,
            "token": creds.token,
            "expires_at": (
                datetime.now(timezone.utc) + timedelta(minutes=1) if creds.token else None
            ),
        }

    def _bucket_region(self, bucket: str) -> str:
        """The region ``bucket`` lives in (boto3 follows AWS's redirects; obstore
        signs for the region it is given, so it is asked once). AWS names it on a
        refused ``HeadBucket`` too; when nothing names it, the configured region
        is used and a wrong one shows in the reads' errors."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client("s3").head_bucket(Bucket=bucket)
        except ClientError as exc:
            answer = exc.response
        except BotoCoreError:
            return self.region
        headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        return str(headers.get("x-amz-bucket-region") or self.region)

    def _new_s3fs(self, creds: ResolvedCredentials) -> S3FileSystem:
        from s3fs import S3FileSystem

        c = self.config
        attempts = min(
            c.max_attempts, max(1, math.ceil(c.total_timeout_seconds / c.read_timeout_seconds))
        )
        client_kwargs: dict[str, Any] = {"region_name": self.region}
        bundle = self.ca_bundle()
        if bundle is not None:  # s3fs reads the environment's, not a profile's
            client_kwargs["verify"] = bundle
        filesystem = S3FileSystem(
            key=creds.access_key,
            secret=creds.secret_key,
            token=creds.token,
            endpoint_url=self.endpoint("s3"),
            client_kwargs=client_kwargs,
            config_kwargs={
                "connect_timeout": c.connect_timeout_seconds,
                "read_timeout": c.read_timeout_seconds,
                # aiobotocore takes no hook bounding a call's total time: as many
                # attempts as fit in it, each bounded by the read timeout
                "retries": {"mode": c.retry_mode, "total_max_attempts": attempts},
            },
            skip_instance_cache=True,
            use_listings_cache=False,
        )
        filesystem.retries = 1  # s3fs's own loop would multiply botocore's attempts
        return filesystem
