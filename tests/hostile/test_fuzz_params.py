"""Property-based fuzzing of ``-p`` strings and ``-f`` parameter files through
the real CLI: every run ends with exit 0, 1 or 2 as the contract says, errors
are one line, no traceback, the secret never comes out, and no file outside
the output path changes. Example counts stay small so the suite stays fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SECRET, Result, cli, secret_in_home, tree_digest

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KEYS = ["mode", "count", "ratio", "flag", "names", "where", "extra", "note", "token", "bogus"]
#: characters the -p syntax gives meaning to, plus the nastiest others.
SPECIAL = [*":,;\"'\\ \n\r\t{}[]=\x00\x1b", "\udcff", "\u202e", "\u00e9", "\U0001d518"]
nasty_text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=30
)
value_text = st.one_of(
    nasty_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["ok", "refused", "crash", "nan", "inf", "true", "1e999", "-0", '{"a":1}']),
)


def check_shape(result: Result) -> None:
    """Exit 0, 1 or 2; no traceback; bad input found before the run is one
    stderr line, anything later is the JSON envelope (errors iff exit != 0)."""
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.everything, result
    if result.code == 2 and result.out == "":
        assert result.err.startswith("error: ") and result.err.count("\n") == 1, result
        return
    envelope = json.loads(result.out)
    assert set(envelope) == {"Errors", "Info", "Warnings", "Data"}
    assert bool(envelope["Errors"]) == (result.code != 0), result
    assert result.err == "", result


def check_contract(result: Result, home: Path) -> None:
    """What every run promises, whatever its input."""
    check_shape(result)
    assert SECRET not in result.everything, result
    assert secret_in_home(home) == []


@given(pairs=st.lists(st.tuples(st.sampled_from(KEYS), value_text), max_size=5), raw=nasty_text)
@FUZZ
def test_fuzzed_p_strings(
    vault: None, isolated_mason_home: Path, pairs: list[tuple[str, str]], raw: str
) -> None:
    text = ",".join(f"{k}:{v}" for k, v in pairs) + raw
    result = cli("op", "vault", "open", "-p", f"token:{SECRET}," + text, "-o", "json")
    check_contract(result, isolated_mason_home)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    nasty_text.filter(lambda s: "\udcff" not in s),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(body=st.dictionaries(st.sampled_from(KEYS), documents, max_size=6))
@FUZZ
def test_fuzzed_parameter_files(
    vault: None, isolated_mason_home: Path, tmp_path_factory: pytest.TempPathFactory, body: dict
) -> None:
    path = tmp_path_factory.mktemp("params") / "p.yaml"
    path.write_text(yaml.safe_dump({**body, "token": SECRET}, allow_unicode=True), "utf-8")
    result = cli("op", "vault", "open", "-f", str(path), "-o", "json")
    check_contract(result, isolated_mason_home)


@given(content=st.binary(max_size=300))
@FUZZ
def test_fuzzed_bytes_as_a_parameter_file(
    vault: None, isolated_mason_home: Path, tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("params") / "p.yaml"
    path.write_bytes(content)
    result = cli("op", "vault", "open", "-f", str(path), "-p", f"token:{SECRET}", "-o", "json")
    check_contract(result, isolated_mason_home)


FAKE_KEYS = ["rows", "columns", "seed", "format", "overwrite", "table_name", "bogus"]
fake_values = st.one_of(
    st.integers(min_value=-3, max_value=40).map(str),
    st.sampled_from(["id:id;name:string", "x:nope", "a:integer;a:integer", "parquet", "csv"]),
    st.sampled_from(["true", "false", "99999999999999999999999", "-1", "1e3"]),
    nasty_text,
)


@given(pairs=st.lists(st.tuples(st.sampled_from(FAKE_KEYS), fake_values), max_size=4))
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_table_fake_changes_nothing_outside_its_output(
    tmp_path_factory: pytest.TempPathFactory,
    isolated_mason_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    pairs: list[tuple[str, str]],
) -> None:
    sandbox = tmp_path_factory.mktemp("sandbox")
    (sandbox / "keep.txt").write_text("keep me")
    (sandbox / "data").mkdir()
    (sandbox / "data" / "old.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(sandbox)
    output = sandbox / "out" / "fake"
    before = tree_digest(sandbox, skip=sandbox / "out")
    text = ",".join(f"{k}:{v}" for k, v in pairs)
    result = cli("op", "table", "fake", "-p", f"output_path:{output}," + text, "-o", "json")
    check_shape(result)
    assert tree_digest(sandbox, skip=sandbox / "out") == before
