"""Errors quoting huge input stay short (issue 19, item 7): a parameters file
with 100,000 unknown keys gives one line naming the first few keys and
counting the rest, on the CLI (table and JSON output), for workflows, and in
``mason.run``'s response; every surface cuts a long line with the same
function the server uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mason
from mason_core.messages import MAX_LINE_CHARS, one_line
from mason_core.secrets import remember

from ._resources import mason_cli

KEYS = 100_000
#: the cap, plus the note saying how much was cut
LONGEST = MAX_LINE_CHARS + 40


def _unknown_keys_file(path: Path, indent: str = "") -> Path:
    path.write_text("".join(f"{indent}key{i:06d}: v\n" for i in range(KEYS)))
    return path


def test_cli_names_the_first_unknown_keys_and_counts_the_rest(tmp_path: Path) -> None:
    params = _unknown_keys_file(tmp_path / "params.yaml")
    run = mason_cli("op", "table", "query", "-f", params, "-o", "table")
    assert run.code == 2
    lines = run.err.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= LONGEST, len(run.err)
    assert "key000000, key000001" in lines[0]
    assert f"and {KEYS - 5:,} more" in lines[0]
    assert "key099999" not in run.err

    # refused before the operator runs: the same one line, whatever the output
    as_json = mason_cli("op", "table", "query", "-f", params, "-o", "json")
    assert (as_json.code, as_json.err, as_json.out) == (2, run.err, "")


def test_warn_mode_gives_one_short_warning(tmp_path: Path) -> None:
    params = _unknown_keys_file(tmp_path / "params.yaml")
    run = mason_cli(
        "op", "table", "list", "-f", params, "-p", "database_name:nowhere",
        "--unknown-params", "warn", "-o", "json",
    )  # fmt: skip
    warnings = json.loads(run.out)["Warnings"]
    assert len(warnings) == 1 and len(warnings[0]) <= LONGEST
    assert f"and {KEYS - 5:,} more" in warnings[0]


def test_workflow_parameters_with_huge_key_lists_give_one_short_line(tmp_path: Path) -> None:
    steps = tmp_path / "steps.yaml"  # 100,000 step ids the workflow does not have
    steps.write_text("".join(f"s{i:06d}: {{}}\n" for i in range(KEYS)))
    keys = tmp_path / "keys.yaml"  # one step with 100,000 unknown keys
    keys.write_text("step_1:\n" + "".join(f"  key{i:06d}: v\n" for i in range(KEYS)))
    params = tmp_path / "params.yaml"  # one step with 100,000 unknown parameters
    params.write_text(
        "step_1:\n  parameters:\n" + "".join(f"    key{i:06d}: v\n" for i in range(KEYS))
    )
    for path in (steps, keys, params):
        run = mason_cli("workflow", "table", "export", "-f", path, "-o", "table")
        assert run.code == 2, run.err
        lines = run.err.splitlines()
        assert len(lines) == 1 and len(lines[0]) <= LONGEST, (path.name, len(run.err))
        assert " more" in lines[0], path.name


def test_mason_run_errors_are_capped() -> None:
    response = mason.run("table", "query", database_name="d" * 1_000_000, query_string="SELECT 1")
    assert not response.ok
    assert all(len(e) <= LONGEST for e in response.errors), [len(e) for e in response.errors]
    assert response.errors[0].endswith("more characters)")

    # bad parameters are raised to a Python caller, as one short message too
    with pytest.raises(mason.ParameterError) as raised:
        mason.run("table", "query", **{f"key{i:06d}": "v" for i in range(KEYS)})
    assert len(str(raised.value)) <= LONGEST and f"and {KEYS - 5:,} more" in str(raised.value)


def test_a_secret_is_scrubbed_before_the_line_is_cut() -> None:
    secret = "cut-here-s3cr3t-value"
    remember(secret)
    # the secret straddles the cut: no prefix of it may survive
    message = "x" * (MAX_LINE_CHARS - 5) + secret + "y" * 50
    line = one_line(message)
    assert secret[:5] not in line and line.startswith("x" * (MAX_LINE_CHARS - 5) + "REDAC")
    assert len(line) <= LONGEST
