"""Fixtures of the AWS tests: moto's server on 127.0.0.1, and an environment
in which every AWS library can reach it and nothing else.

One ``ThreadedMotoServer`` serves the session on a free port; its state is
reset before each test. boto3, s3fs and pyarrow get the endpoint explicitly
(client ``endpoint_url``) and through ``AWS_ENDPOINT_URL``; credentials are
dummies; the metadata service and shared config files are switched off; and
a socket guard fails any test whose process tries to connect elsewhere.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.aws.faults import FaultProxy

REGION = "us-east-1"
ACCESS_KEY = "AKIAMASONTESTKEY0001"
SECRET_KEY = "mason-test-secret-key-0123456789"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server on 127.0.0.1 (a free port), for as long as the block runs."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def moto_process(*program: str) -> Iterator[str]:
    """moto's server in a process of its own on 127.0.0.1, for as long as the
    block runs: for tests whose clients hold the GIL while they wait on it
    (some delta-rs calls), or that run writers in other processes, which the
    in-process server would answer only between this process's own work.
    ``program`` (a script and its arguments before ``HOST PORT``) runs a
    wrapper of moto instead of ``python -m moto.server``."""
    port = _free_port()
    command = [*program, "127.0.0.1", str(port)] if program else [
        "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)
    ]  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


def aws_environment(url: str) -> dict[str, str]:
    """The variables that point every AWS library at moto and nowhere else."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/mason-test-aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/mason-test-aws-credentials",
        "AWS_STS_REGIONAL_ENDPOINTS": "regional",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


@pytest.fixture(autouse=True)
def aws_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in aws_environment(moto_url).items():
        monkeypatch.setenv(name, value)
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    yield moto_url


@pytest.fixture(autouse=True)
def only_local_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if Python code in this process connects anywhere but loopback."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in _LOCAL_HOSTS:
                raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def fault_proxy(aws_env: str) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of moto (see tests/aws/faults.py)."""
    proxy = FaultProxy(aws_env).start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def s3(aws_env: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=aws_env, region_name=REGION)


@pytest.fixture
def glue(aws_env: str) -> Any:
    import boto3

    return boto3.client("glue", endpoint_url=aws_env, region_name=REGION)


@pytest.fixture
def athena(aws_env: str) -> Any:
    import boto3

    return boto3.client("athena", endpoint_url=aws_env, region_name=REGION)


@pytest.fixture
def bucket(s3: Any) -> str:
    s3.create_bucket(Bucket="mason-data")
    return "mason-data"


def put_parquet(s3: Any, bucket: str, key: str, columns: dict[str, list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    s3.put_object(Bucket=bucket, Key=key, Body=sink.getvalue())


def put_text(s3: Any, bucket: str, key: str, text: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=text.encode())


@pytest.fixture
def storage_factory(aws_env: str, tmp_path: Any) -> Callable[..., Any]:
    """Build an engine of a client directly, with a configuration given as a dict."""
    from mason_core.engines import EngineContext
    from mason_core.plugins import build_registry

    registry = build_registry(tmp_path / "home")

    def build(client: str, engine: str, **settings: Any) -> Any:
        spec = registry.client(client)
        config = spec.config_model.model_validate(settings)
        cls = spec.implementation(engine)
        return cls(config, EngineContext(client=client, home=tmp_path / "home"))

    return build
