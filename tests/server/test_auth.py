"""The bearer token: required everywhere but the health check and the UI, and
refused when missing or wrong; binding beyond loopback needs one."""

from __future__ import annotations

import logging

import httpx
import pytest

from mason_core.errors import MasonUsageError
from mason_core.server.settings import ServerSettings, is_loopback
from tests.server.conftest import TOKEN, Live

PROTECTED = [
    ("GET", "/api/operators"),
    ("GET", "/api/operators/table/list"),
    ("POST", "/api/operators/table/list/validate"),
    ("POST", "/api/operators/table/list/run"),
    ("GET", "/api/workflows"),
    ("GET", "/api/workflows/runs"),
    ("POST", "/api/workflows/table/infer/validate"),
    ("GET", "/api/configs"),
    ("GET", "/api/configs/default"),
    ("GET", "/api/plugins"),
    ("GET", "/api/jobs"),
    ("GET", "/api/jobs/x"),
    ("GET", "/api/runs"),
    ("GET", "/api/runs/x"),
    ("GET", "/api/not-a-route"),
]


def test_every_endpoint_but_health_needs_the_token(secured: Live) -> None:
    anonymous = httpx.Client(base_url=secured.url)
    wrong = httpx.Client(base_url=secured.url, headers={"Authorization": "Bearer nope"})
    basic = httpx.Client(base_url=secured.url, headers={"Authorization": f"Basic {TOKEN}"})
    for method, path in PROTECTED:
        for client, message in [
            (anonymous, "missing bearer token"),
            (wrong, "wrong bearer token"),
            (basic, "wrong bearer token"),
        ]:
            answer = client.request(method, path, json={})
            assert answer.status_code == 401, (method, path)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert answer.json()["Errors"][0].startswith(message)
            assert TOKEN not in answer.text
    assert anonymous.get("/api/health").status_code == 200
    # the page and its API description load, so a user can enter the token there
    assert anonymous.get("/api/ui/").status_code == 200
    spec = anonymous.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearer": []}]


def test_the_right_token_is_let_through(secured: Live) -> None:
    assert secured.get("/api/operators").status_code == 200
    answer = secured.post(
        "/api/operators/table/list/validate", {"parameters": {"database_name": "d"}}
    )
    assert answer.status_code == 200


def test_the_token_never_reaches_responses_or_logs(
    secured: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secured.post("/api/operators/servertest/crash/run", {"parameters": {"api_key": "k" * 8}})
    secured.get("/api/configs")
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_binding_beyond_loopback_without_a_token_is_refused(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASON_API_TOKEN", raising=False)
    assert not is_loopback(host)
    with pytest.raises(MasonUsageError, match="without a token"):
        ServerSettings.from_options(host=host)
    assert ServerSettings.from_options(host=host, token="t0ken").token == "t0ken"
    monkeypatch.setenv("MASON_API_TOKEN", "from-env")
    assert ServerSettings.from_options(host=host).token == "from-env"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.9"])
def test_loopback_needs_no_token(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASON_API_TOKEN", raising=False)
    assert ServerSettings.from_options(host=host).token is None
