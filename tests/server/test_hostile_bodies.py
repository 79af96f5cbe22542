"""Hostile request bodies and damaged state against the live server: bad
input is a 400 (a body over the limit a 413) in the envelope with one-line
errors that never echo a large input; damaged run records name the file.
A 500 would mean a bug."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mason_core.messages import MAX_LINE_CHARS
from mason_core.server import ServerSettings
from mason_core.server.body import MAX_DEPTH
from tests.server.conftest import Live, serve

VALIDATE = "/api/operators/table/list/validate"
LIST = "/api/operators/table/list/run"
FAKE = "/api/operators/table/fake/run"
JSON = {"Content-Type": "application/json"}


def error_of(answer: httpx.Response, status: int = 400) -> str:
    """The single error line of an envelope answered with ``status``."""
    assert answer.status_code == status, answer.text[:500]
    body = answer.json()
    assert set(body) == {"Errors", "Info", "Warnings", "Data"}
    assert body["Data"] == [] and len(body["Errors"]) == 1
    line: str = body["Errors"][0]
    assert "\n" not in line and "Traceback" not in line
    return line


def raw(live: Live, path: str, content: bytes) -> httpx.Response:
    return live.client.post(path, content=content, headers=JSON)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"parameters": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
        '{"parameters": {"database_name": ' + "[" * 100_000 + "]" * 100_000 + "}}",
    ],
    ids=["array", "object", "in-a-parameter"],
)
def test_json_nested_100000_deep_is_a_400(live: Live, body: str) -> None:
    assert "nested deeper than 32 levels" in error_of(raw(live, VALIDATE, body.encode()))


def test_json_nested_past_the_limit_but_within_python_is_a_400(live: Live) -> None:
    value: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        value = {"k": value}
    answer = live.post(VALIDATE, {"parameters": {"database_name": value}})
    line = error_of(answer)
    assert line.startswith(f"request body: nested deeper than {MAX_DEPTH} levels at parameters.")


@pytest.mark.parametrize("path", [VALIDATE, LIST])
def test_a_lone_surrogate_in_a_string_parameter_is_a_400(live: Live, path: str) -> None:
    answer = raw(live, path, b'{"parameters": {"database_name": "sales\\ud800"}}')
    line = error_of(answer)
    assert line == (
        "request body: parameters.database_name holds a lone surrogate (not valid Unicode)"
    )


def test_a_lone_surrogate_in_a_key_or_the_config_id_is_a_400(live: Live) -> None:
    in_key = raw(live, VALIDATE, b'{"parameters": {"\\udfff": "x"}}')
    assert "a key in parameters holds a lone surrogate" in error_of(in_key)
    in_config = raw(live, LIST, b'{"parameters": {"database_name": "d"}, "config_id": "\\ud83d"}')
    assert "config_id holds a lone surrogate" in error_of(in_config)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (str(2**63), "integer 9223372036854775808 is out of range (64-bit integers only)"),
        ("99999999999999999999999", "an integer of 23 digits is out of range"),
        ("-" + "9" * 5000, "an integer of 5000 digits is out of range"),
        ("1e999", "a number too large for a 64-bit float"),
        ("NaN", "NaN is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
    ],
)
def test_numbers_beyond_the_engines_are_a_400_before_anything_runs(
    live: Live, token: str, problem: str
) -> None:
    body = '{"parameters": {"output_path": "out", "rows": ' + token + "}}"
    started = time.monotonic()
    line = error_of(raw(live, FAKE, body.encode()))
    assert problem in line and len(line) < 200
    assert time.monotonic() - started < 10
    assert not (live.root / "out").exists()


def test_the_largest_64_bit_integer_reaches_the_core(live: Live) -> None:
    body = {"parameters": {"database_name": "d", "rows": 2**63 - 1}}
    # the body is accepted; the core names the unknown parameter
    assert "rows" in error_of(live.post(VALIDATE, body))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"parameters":', "request body is not valid JSON (Expecting value at line 1 column 15)"),
        (b'{"parameters": {"a": 1,}}', "request body is not valid JSON"),
        (b"\xff\xfe{}", "request body is not UTF-8"),
        (b'{"parameters": {"database_name": "\xc3("}}', "request body is not UTF-8"),
        (b"[1, 2]", "request body must be a JSON object"),
        (b'"text"', "request body must be a JSON object"),
        (b'{"parameters": [1]}', "body key 'parameters' has the wrong type"),
    ],
)
def test_malformed_bodies_are_a_400(live: Live, content: bytes, problem: str) -> None:
    assert problem in error_of(raw(live, VALIDATE, content))


def test_a_body_over_the_limit_is_a_413_and_never_echoed(live: Live) -> None:
    filler = "Z" * (2**20 + 10)
    answer = live.post(VALIDATE, {"parameters": {"database_name": filler}})
    line = error_of(answer, 413)
    assert (
        line == "request body is larger than the server's limit of 1 MiB (mason server --max-body)"
    )
    assert len(answer.content) < 300


@pytest.fixture
def small(root: Path, home: Path) -> Iterator[str]:
    """A server whose body limit is 1 KiB."""
    with serve(ServerSettings(root=root, home=home, max_body=1024)) as url:
        yield url


def test_the_limit_is_configurable_and_counts_streamed_bodies(small: str) -> None:
    def body(size: int) -> bytes:
        text = json.dumps({"parameters": {"database_name": "d", "table_name": ""}})
        return text.replace('""', '"' + "Q" * (size - len(text)) + '"').encode()

    def chunks(data: bytes) -> Iterator[bytes]:  # no Content-Length: chunked
        for start in range(0, len(data), 256):
            yield data[start : start + 256]

    with httpx.Client(base_url=small, timeout=30) as client:
        path = "/api/operators/table/get/validate"
        assert client.post(path, content=body(1024), headers=JSON).status_code != 413
        over = client.post(path, content=body(1025), headers=JSON)
        assert over.status_code == 413 and b"Q" not in over.content
        streamed = client.post(path, content=chunks(body(5000)), headers=JSON)
        assert "Content-Length" not in streamed.request.headers
        assert "limit of 1 KiB" in error_of(streamed, 413)
        assert b"Q" not in streamed.content
        unknown_route = client.post("/api/nowhere", content=body(4000), headers=JSON)
        assert unknown_route.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        {"parameters": {"database_name": "d", "W" * 500_000: 1}},
        {"parameters": {"database_name": "d"}, "W" * 500_000: 1},
        {"parameters": {"output_path": "out", "rows": "W" * 500_000}},
    ],
    ids=["unknown-parameter", "unknown-body-key", "ill-typed-value"],
)
def test_no_error_echoes_a_large_input(live: Live, body: dict[str, Any]) -> None:
    path = FAKE if "rows" in body["parameters"] else VALIDATE
    answer = live.post(path, body)
    line = error_of(answer)
    assert len(line) <= MAX_LINE_CHARS + 40
    assert "W" * (MAX_LINE_CHARS + 1) not in answer.text
    assert not (live.root / "out").exists()


# -- damaged state --------------------------------------------------------------------


RUN_ID = "20240102T030405Z-0a1b2c"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe\x00garbage", "is unreadable: not UTF-8 text (invalid byte at offset 0)"),
        (b'{"run_id": "20240102T030405Z-0a1b2c", "work', "is unreadable: not JSON (line 1)"),
        (b"[" * 100_000, "is unreadable: JSON nested too deep"),
        (b"{}", "is unreadable: not a RunRecord"),
    ],
    ids=["not-utf-8", "truncated", "deep", "wrong-shape"],
)
def test_a_damaged_run_record_names_its_file(live: Live, content: bytes, problem: str) -> None:
    record = live.home / "runs" / f"{RUN_ID}.json"
    record.parent.mkdir(exist_ok=True)
    record.write_bytes(content)
    line = error_of(live.get(f"/api/workflows/runs/{RUN_ID}"))
    assert line == f"run record {record} {problem}"
    listed = live.get("/api/workflows/runs")  # passed over in the list
    assert listed.status_code == 200 and listed.json()["Data"] == []
