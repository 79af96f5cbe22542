"""``as_of`` is checked when parameters are: a value that names no snapshot
by its syntax is refused before anything runs (one line, exit code 2, no job
record), through the CLI, ``mason.run``, the server and workflow validation;
a well-formed one the table lacks fails when the table is read, in one line
saying what the table has. Real SQLite catalog, parquet files and DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

import mason
from mason_core.asof import MAX_SNAPSHOT_ID, parse_as_of
from mason_core.errors import MasonUsageError, ParameterError

from .conftest import Dataset

Run = Callable[..., mason.Response]

#: values no table format could read as a snapshot, whatever the table
NASTY: list[Any] = [
    "yesterday",
    "-5",
    "-0",
    "+5",
    "- 5",
    str(MAX_SNAPSHOT_ID + 1),
    "9" * 5000,  # int() of it would raise past Python's digit limit
    "1.5",
    "1e10",
    "0x1F",
    "nan",
    "inf",
    "١٢٣",  # Arabic-Indic digits: int() reads them, a snapshot id is ASCII
    "²",  # isdigit() says yes, int() says no
    "2024-05-01T12:00:00+25:00",
    "2024-05-01T12:00:00 Europe/Paris",
    "2024-05-01T12:00:00+01:00[Europe/Paris]",
    "2024-13-01",
    "2024-02-30T00:00:00Z",
    "0001-01-01T00:00:00+01:00",  # UTC would be year 0
    "9999-12-31T23:59:59-01:00",  # UTC would be year 10000
    "12:00:00",
    "2024-05-01T12:00:00ZZ",
    "1\n2",
    "2024-05-01\nT12:00:00Z",
    "1\x00",
    "\x1b[31m1",
    "x" * 100_000,
    "\uff11\uff12\uff13",  # fullwidth digits
    "2024-05-01T24:00:00",
    "2024-05-01T12:00:00Z 1",
    "1 2",
    -1,
    2**64,
    1.5,
    True,
    [1],
    {"id": 1},
]


def refusal(value: Any) -> str:
    """The one line ``mason.run`` raises for ``as_of=value``."""
    with pytest.raises(ParameterError) as info:
        mason.run("table", "query", database_name="lake", query_string="SELECT 1", as_of=value)
    assert info.value.exit_code == 2
    message = str(info.value)
    assert message.startswith("operator 'table query': parameter 'as_of': ")
    assert "\n" not in message and message.isprintable() and len(message) < 200
    return message


@pytest.mark.parametrize("value", NASTY, ids=lambda v: repr(v)[:30])
def test_mason_run_refuses_an_as_of_naming_no_snapshot(value: Any) -> None:
    refusal(value)


def test_a_lone_surrogate_is_refused_without_quoting_it() -> None:
    message = refusal("12\udcff")  # bytes that are not UTF-8, as os.fsdecode gives them
    assert "Unicode" in message


def test_the_refusal_says_why() -> None:
    assert "neither a snapshot id" in refusal("yesterday")
    assert "never signed" in refusal("-5")
    assert str(MAX_SNAPSHOT_ID) in refusal(str(MAX_SNAPSHOT_ID + 1))
    assert "years 1 to 9999" in refusal("0001-01-01T00:00:00+01:00")
    long = refusal("x" * 100_000)
    assert "..." in long


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "1",
        str(MAX_SNAPSHOT_ID),
        " 42 ",
        "2024-05-01",
        "2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00.123456+05:30",
        "2024-05-01 12:00:00",
        7,
        "",  # blank: not given, the current snapshot
        "\t",
    ],
)
def test_well_formed_values_pass_validation(value: Any) -> None:
    response = mason.validate(
        "table", "query", database_name="lake", query_string="SELECT 1", as_of=value
    )
    assert response.ok


def test_the_one_parser_reads_ids_and_moments() -> None:
    assert parse_as_of(" 42 ") == 42
    assert parse_as_of("0" * 30 + "42") == 42
    assert parse_as_of("2024-05-01T14:00:00+02:00") == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert parse_as_of("2024-05-01") == datetime(2024, 5, 1, tzinfo=timezone.utc)
    with pytest.raises(MasonUsageError, match="a version number"):
        parse_as_of("v3", "a version number")


def cli(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mason", *args], capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "value",
    [b"yesterday", b"-5", b"99999999999999999999", b"2024-05-01T12:00:00+25:00", b"1\xff"],
    ids=["word", "negative", "huge", "bad zone", "not utf-8"],
)
def test_cli_refuses_before_running_with_one_line(run: Run, events: Dataset, value: bytes) -> None:
    params = b"database_name:lake,query_string:SELECT count(*) FROM events,as_of:" + value
    done = cli("op", "table", "query", "-p", params)
    assert done.returncode == 2, done
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], done.stderr
    assert "as_of" in lines[0] or "UTF-8" in lines[0]
    from mason_core.jobrecords import JobStore

    assert JobStore(Path(os.environ["MASON_HOME"]), "local").list() == []  # nothing ran


def test_a_snapshot_the_table_lacks_fails_naming_what_it_has(run: Run, events: Dataset) -> None:
    table = run("table", "get", database_name="lake", table_name="events").data[0]
    current = table.format_metadata.current_snapshot
    sql = "SELECT count(*) AS n FROM events"
    for as_of, said in (
        ("12345", "has no snapshot 12345"),
        ("2001-01-01T00:00:00Z", "has no snapshot as of 2001-01-01T00:00:00+00:00"),
    ):
        response = mason.run("table", "query", database_name="lake", query_string=sql, as_of=as_of)
        assert response.exit_code == 1
        [error] = response.errors
        assert "\n" not in error and said in error and "lake.events" in error
        assert f"current {current.snapshot_id}" in error
        assert f"oldest committed at {current.committed_at.isoformat()}" in error


def test_workflow_validation_refuses_a_bad_as_of(tmp_path: Path) -> None:
    from mason_core.workflows import WorkflowValidationError, validate_workflow

    folder = tmp_path / "wf"
    folder.mkdir()
    spec = {
        "type": "workflow",
        "namespace": "lake",
        "command": "report",
        "dag": [{"id": "read", "namespace": "table", "command": "query", "dependencies": []}],
    }
    (folder / "workflow.yaml").write_text(yaml.safe_dump(spec))
    mason.register(folder)
    params = {"database_name": "lake", "query_string": "SELECT 1", "as_of": "last week"}
    with pytest.raises(WorkflowValidationError) as info:
        validate_workflow("lake", "report", {"read": {"parameters": params}})
    assert info.value.exit_code == 2
    assert info.value.problems == [
        "read: operator 'table query': parameter 'as_of': 'last week' is neither a snapshot "
        "id (or Delta version) nor an ISO timestamp (2024-05-01T12:00:00Z)"
    ]
