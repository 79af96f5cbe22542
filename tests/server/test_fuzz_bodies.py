"""Property-based fuzzing (hypothesis) of request bodies against a real
``mason server`` process: JSON of any shape (deep, huge numbers, NaN, lone
surrogates, unknown keys), broken JSON, raw bytes and padding past the body
limit, sent to every operator's and workflow's ``validate`` and to the
read-only operators' ``run``.

For every answer: no 500 (but the test operator that crashes by design), the
envelope and nothing else, one-line errors of bounded length, and neither the
token nor any secret parameter value. Afterwards, the server's whole log holds
no secret, no traceback and no error line. Bounded: a fixed number of
deterministic examples, a timeout on every request.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mason_core.home import MasonHome
from mason_core.messages import MAX_LINE_CHARS
from mason_core.register import register_path
from tests.server.conftest import FIXTURES, write_sales
from tests.server.process import mason_server

TOKEN = "fuzz-token-9c1d2e3f"
MAX_BODY = 4096
EXAMPLES = 200
CRASH = "/api/operators/servertest/crash/run"
READ_ONLY_RUNS = [
    "/api/operators/table/list/run",
    "/api/operators/table/get/run",
    "/api/operators/database/list/run",
    CRASH,
]
NAMES = [
    "database_name",
    "table_name",
    "output_path",
    "storage_path",
    "rows",
    "seed",
    "columns",
    "format",
    "overwrite",
    "query_string",
    "api_key",
    "read_headers",
]

surrogates = st.sampled_from(["\ud800", "\udfff", "\ud83d", "\udc00x"])
plain = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["", " ", "..", "../../etc", "/etc/passwd", "a\x00b", "data/sales", "-1"]),
)
strings = st.one_of(
    plain,
    plain,
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=6), surrogates, st.text(max_size=6)),
)
secrets = st.text("0123456789abcdef", min_size=12, max_size=12).map(lambda s: f"sk-{s}")
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(strings, inner, max_size=4)
    ),
    max_leaves=12,
)
names = st.one_of(st.sampled_from(NAMES), strings)
plausible = st.dictionaries(
    st.sampled_from(NAMES),
    st.one_of(plain, st.integers(-5, 10**6), st.booleans(), st.lists(plain, max_size=3)),
    max_size=5,
)
parameters = st.one_of(
    plausible,
    plausible,
    st.dictionaries(names, values, max_size=6),
    st.fixed_dictionaries({"api_key": secrets}, optional={"database_name": strings}),
    values,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "parameters": parameters,
            "config_id": st.one_of(st.none(), strings, numbers),
            "schedule": strings,
            "parallel": numbers,
        },
    ),
    st.dictionaries(strings, values, max_size=3),
    values,
)


def deep(depth: int) -> str:
    return '{"parameters": {"database_name": ' + "[" * depth + "]" * depth + "}}"


@st.composite
def payloads(draw: st.DrawFn) -> bytes:
    """A request body: JSON (maybe cut short or padded past the limit), or bytes."""
    kind = draw(st.sampled_from(["json"] * 6 + ["cut", "pad", "deep", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "deep":
        return deep(draw(st.integers(min_value=20, max_value=100_000))).encode()
    text = json.dumps(
        draw(bodies), ensure_ascii=draw(st.sampled_from([True, True, False])), allow_nan=True
    )
    data = text.encode("utf-8", "surrogatepass")
    if kind == "cut":
        return data[: draw(st.integers(min_value=0, max_value=len(data)))]
    if kind == "pad":
        return data + b" " * draw(st.integers(min_value=0, max_value=2 * MAX_BODY))
    return data


def sent_secrets(payload: bytes) -> list[str]:
    """The secret parameter values a payload carries (``api_key`` is ``secret: true``)."""
    found: list[str] = []
    start = 0
    while (at := payload.find(b"sk-", start)) >= 0:
        found.append(payload[at : at + 15].decode("ascii", "replace"))
        start = at + 1
    return [s for s in found if len(s) == 15]


@pytest.fixture
def server_home(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home"
    root = tmp_path / "root"
    root.mkdir()
    write_sales(root)
    register_path(MasonHome.from_env(home), FIXTURES / "operators")
    return home, root


def test_fuzzed_bodies_get_envelopes_never_500s_nor_secrets(
    tmp_path: Path, server_home: tuple[Path, Path]
) -> None:
    home, root = server_home
    env = {**os.environ, "MASON_HOME": str(home)}
    env.pop("MASON_DEBUG", None)
    args = ["--root", str(root), "--token", TOKEN, "--max-body", str(MAX_BODY)]
    seen_secrets: set[str] = set()
    answers = 0
    with mason_server(tmp_path / "logs", *args, env=env) as served:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        with httpx.Client(base_url=served.url, headers=headers, timeout=30) as client:
            ops = client.get("/api/operators").json()["Data"]
            wfs = client.get("/api/workflows").json()["Data"]
            paths = [
                *(f"/api/operators/{o['namespace']}/{o['command']}/validate" for o in ops),
                *(f"/api/workflows/{w['namespace']}/{w['command']}/validate" for w in wfs),
                *READ_ONLY_RUNS,
            ]
            assert len(paths) > 10

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(path=st.sampled_from(paths), payload=payloads())
            def check(path: str, payload: bytes) -> None:
                nonlocal answers
                secrets_sent = sent_secrets(payload)
                seen_secrets.update(secrets_sent)
                answer = client.post(path, content=payload)
                answers += 1
                allowed = {200, 400, 404, 409, 413} | ({500} if path == CRASH else set())
                assert answer.status_code in allowed, (path, payload[:300], answer.text[:500])
                body: dict[str, Any] = answer.json()
                assert set(body) == {"Errors", "Info", "Warnings", "Data"}
                assert all(isinstance(body[k], list) for k in body)
                for line in body["Errors"]:
                    assert isinstance(line, str) and "\n" not in line
                    assert len(line) <= MAX_LINE_CHARS + 40
                    assert "Traceback" not in line
                if answer.status_code >= 400:
                    assert body["Errors"], body
                for secret in [TOKEN, *secrets_sent]:
                    assert secret not in answer.text

            check()
    assert answers >= EXAMPLES
    log = served.log()
    assert '"POST /api/operators/' in log  # the access log was written
    assert "Traceback" not in log
    assert "ERROR" not in log, log[-3000:]
    for secret in [TOKEN, *seen_secrets]:
        assert secret not in log
    assert seen_secrets  # the secret parameter was really exercised
