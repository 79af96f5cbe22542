"""moto's server in a process of its own, for test modules that need it.

Some delta-rs calls (``DeltaTable.history``) hold the GIL while they wait on
S3, so the in-process ``ThreadedMotoServer`` the other AWS tests share could
never answer them. A module reading Delta tables on S3 overrides the
``moto_url`` fixture with this one::

    from tests.aws import moto_process

    moto_url = moto_process.moto_url
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.aws.conftest import _free_port


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto's server (``python -m moto.server``) on 127.0.0.1, for one module."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
