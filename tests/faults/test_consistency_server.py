"""Small server cases: the address the banner prints is the one it listens on
(an IPv6 literal given in brackets, a host with stray spaces), and a body
over the limit gets its 413 even while the client is still sending it."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.server.process import MASON, free_port, mason_server

BANNER = re.compile(r"Mason API on (\S+) \(UI")


def _banner(tmp_path: Path, host: str) -> str:
    """The URL ``mason server --host <host>`` announces, after checking it answers."""
    port = free_port()
    err = tmp_path / "stderr.log"
    with err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", MASON, "server", "--host", host, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=tmp_path,
        )
    try:
        deadline = time.monotonic() + 60
        while not BANNER.search(err.read_text()):
            assert process.poll() is None, err.read_text()
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.1)
        url = BANNER.search(err.read_text()).group(1)  # type: ignore[union-attr]
        while True:  # the banner comes just before uvicorn serves
            try:
                assert httpx.get(f"{url}/health").status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        return url.replace(f":{port}/", ":PORT/")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("[::1]", "http://[::1]:PORT/api"),
        ("::1", "http://[::1]:PORT/api"),
        (" 127.0.0.1 ", "http://127.0.0.1:PORT/api"),
        ("[::1] ", "http://[::1]:PORT/api"),
    ],
)
def test_the_banner_names_the_address_served(tmp_path: Path, host: str, url: str) -> None:
    assert _banner(tmp_path, host) == url


def test_a_large_body_gets_413_not_a_reset(tmp_path: Path) -> None:
    """http.client sends the whole body before reading the answer: a server that
    answers from Content-Length and closes with the body unread resets it."""
    with mason_server(tmp_path / "logs", "--root", str(tmp_path)) as served:
        port = int(served.url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = b"{" + b" " * (50 * 2**20) + b"}"
        connection.request(
            "POST",
            "/api/operators/table/list/validate",
            body=body,
            headers={"Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        assert answer.status == 413
        assert b"larger than the server's limit of 1 MiB" in answer.read()
        connection.close()
