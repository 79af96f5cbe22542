"""moto's S3 server for Delta commit tests, in a process of its own, and the
writer processes those tests race against each other.

Run as a script (``python _s3_delta_moto.py [--ignore-conditional-puts] HOST PORT``)
it serves moto with every request handled one at a time: Amazon S3 makes a
``PUT`` with ``If-None-Match: *`` atomic (exactly one of two racing creators of
a key wins), while moto checks the key and then stores it as two steps that
two request threads can interleave. Serving one request at a time gives moto
S3's atomicity, so a lost commit in these tests is the client's fault, never
the emulator's. ``--ignore-conditional-puts`` drops that header before moto
sees it: a store that does not honour conditional puts (as some S3-compatible
ones do not), against which the tests' checks must find lost commits.

``POST /_mason/age?hours=N`` (this wrapper's, not moto's) moves every object's
last-modified time N hours back, as if written then: ``clean`` deletes only
files older than an hour, and moto has no clock to inject.

Its own process, not the in-process server the other AWS tests share:
delta-rs holds the GIL in some calls (``DeltaTable.history``) while it waits
on S3, which an in-process server could then never answer.
"""

from __future__ import annotations

import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

IGNORE = "--ignore-conditional-puts"


@contextmanager
def serial_moto(ignore_conditional_puts: bool = False) -> Iterator[str]:
    """The server on 127.0.0.1 (a free port) for as long as the block runs."""
    from tests.aws.conftest import moto_process

    flags = [IGNORE] if ignore_conditional_puts else []
    with moto_process(str(Path(__file__)), *flags) as url:
        yield url


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """The serial server for one test module (``moto_url = _s3_delta_moto.moto_url``)."""
    with serial_moto() as url:
        yield url


def delta_options(url: str, conditional_put: bool = True) -> dict[str, str]:
    """deltalake's own storage options for the server at ``url``, with the
    tests' keys; committing with a conditional put stated unless told not to
    (Mason's ``commit_options`` states it itself and refuses it given)."""
    from tests.aws.conftest import ACCESS_KEY, REGION, SECRET_KEY

    stated = {"aws_conditional_put": "etag"} if conditional_put else {}
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_ENDPOINT_URL_S3": url,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        **stated,
    }


def age(url: str, hours: float) -> None:
    """Every object on the server at ``url`` written ``hours`` earlier."""
    request = urllib.request.Request(f"{url}/_mason/age?hours={hours}", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def _age(hours: float) -> None:
    from datetime import timedelta

    from moto.s3.models import s3_backends

    for account in s3_backends.values():
        for backend in account.values():
            for bucket in backend.buckets.values():
                for _, versions in bucket.keys._iterlists():
                    for key in versions:
                        key.last_modified -= timedelta(hours=hours)


def _serve(host: str, port: int, ignore_conditional_puts: bool) -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    app = DomainDispatcherApplication(create_backend_app)
    one_at_a_time = threading.Lock()

    def serial(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ.get("PATH_INFO") == "/_mason/age":
            with one_at_a_time:
                _age(float(environ.get("QUERY_STRING", "").partition("hours=")[2]))
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"aged"]
        if ignore_conditional_puts:
            environ.pop("HTTP_IF_NONE_MATCH", None)
        with one_at_a_time:
            return list(app(environ, start_response))

    run_simple(host, port, serial, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":  # [--ignore-conditional-puts] HOST PORT
    _serve(sys.argv[-2], int(sys.argv[-1]), IGNORE in sys.argv[1:-2])
