"""The server's log, read from a real ``mason server`` process: the access log
records requests but never a token (query string or header), and a debug
traceback has every known secret scrubbed."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import httpx

from mason_core.secrets import ScrubbingFormatter, remember
from mason_core.server.logs import redact_target
from tests.server.process import mason_server

TOKEN = "tok-4f9a1c7e2b"
OTHER = "not-the-token-83d1"
SECRET = "param-secret-5e6f7a"


def test_the_log_never_records_a_token_and_scrubs_tracebacks(
    tmp_path: Path, home: Path, root: Path
) -> None:
    env = {**os.environ, "MASON_DEBUG": "1"}
    args = ["--root", str(root), "--token", TOKEN]
    with mason_server(tmp_path / "logs", *args, env=env) as served:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=served.url, timeout=60) as client:
            assert client.get(f"/api/health?token={TOKEN}&x=1").status_code == 200
            assert client.get(f"/api/health?tok%65n={OTHER}").status_code == 200
            assert (
                client.get(f"/api/configs?api_key={OTHER}&Access_Token={OTHER}").status_code == 401
            )
            assert client.get("/api/configs", headers=auth).status_code == 200
            wrong = client.get("/api/configs", headers={"Authorization": f"Bearer {OTHER}"})
            assert wrong.status_code == 401
            crash = client.post(
                "/api/operators/servertest/crash/run",
                json={"parameters": {"api_key": SECRET}},
                headers=auth,
            )
    assert crash.status_code == 500
    assert SECRET not in crash.text and "REDACTED" in crash.text
    access = served.stdout.read_text("utf-8")
    errors = served.stderr.read_text("utf-8")
    assert '"GET /api/health?token=REDACTED&x=1 HTTP/1.1" 200' in access
    assert '"GET /api/health?token=REDACTED HTTP/1.1" 200' in access
    assert '"GET /api/configs?api_key=REDACTED&Access_Token=REDACTED HTTP/1.1" 401' in access
    assert '"GET /api/configs HTTP/1.1" 401' in access
    assert '"POST /api/operators/servertest/crash/run HTTP/1.1" 500' in access
    # under MASON_DEBUG the crash is logged with its traceback, scrubbed
    assert "Traceback (most recent call last)" in errors
    assert "client exploded" in errors and "while using key REDACTED" in errors
    for value in (TOKEN, OTHER, SECRET):
        assert value not in access and value not in errors


def test_redact_target() -> None:
    assert redact_target("/api/runs") == "/api/runs"
    assert redact_target("/a?async=true&config_id=c") == "/a?async=true&config_id=c"
    assert redact_target("/a?Token=x&token=y&z=1") == "/a?Token=REDACTED&token=REDACTED&z=1"
    assert redact_target("/a?X-Api-Key=k&password=&sig=1") == (
        "/a?X-Api-Key=REDACTED&password=REDACTED&sig=1"
    )
    assert redact_target("/a?client_secret=s&Signature=t") == (
        "/a?client_secret=REDACTED&Signature=REDACTED"
    )


def test_the_formatter_scrubs_a_traceback() -> None:
    remember("formatter-secret-77")
    try:
        raise ValueError("bad value formatter-secret-77")
    except ValueError:
        record = logging.LogRecord(
            "mason.server", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    text = ScrubbingFormatter("%(message)s").format(record)
    assert "Traceback" in text and "bad value REDACTED" in text
    assert "formatter-secret-77" not in text
