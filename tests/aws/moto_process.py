"""moto's server in a process of its own, for test modules that need it.

Some delta-rs calls (``DeltaTable.history``) hold the GIL while they wait on
S3, so the in-process ``ThreadedMotoServer`` the other AWS tests share could
never answer them. A module reading Delta tables on S3 overrides the
``moto_url`` fixture with this one::

    from tests.aws import moto_process

    moto_url = moto_process.moto_url
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.aws.conftest import moto_process


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto's server (``python -m moto.server``) on 127.0.0.1, for one module."""
    with moto_process() as url:
        yield url
