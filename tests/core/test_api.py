from __future__ import annotations

from pathlib import Path

import pytest

import mason
from mason_core.errors import ParameterError, UnknownOperatorError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def greet() -> None:
    names = mason.register(FIXTURES / "operators")
    assert names == ["operator greet boom", "operator greet hello"]


def test_registered_folder_operator_runs_with_typed_parameters(greet: None) -> None:
    resp = mason.run("greet", "hello", who="ada", times="2", shout="true")
    assert resp.ok and resp.exit_code == 0
    assert resp.data == [{"Greeting": "HELLO ADA"}, {"Greeting": "HELLO ADA"}]
    assert resp.info == ["greeting ada"]
    assert resp.envelope() == {
        "Errors": [],
        "Info": ["greeting ada"],
        "Warnings": [],
        "Data": [{"Greeting": "HELLO ADA"}, {"Greeting": "HELLO ADA"}],
    }


def test_bad_input_raises_before_running(greet: None) -> None:
    with pytest.raises(ParameterError) as err:
        mason.run("greet", "hello", times="many")
    assert err.value.exit_code == 2
    assert "missing required parameter who" in str(err.value)
    assert "expected an integer" in str(err.value)
    with pytest.raises(UnknownOperatorError):
        mason.run("greet", "goodbye")


def test_failing_operator_returns_errors_with_exit_code_1(greet: None) -> None:
    resp = mason.run("greet", "boom", message="the table is gone")
    assert not resp.ok
    assert resp.exit_code == 1
    assert resp.errors == ["the table is gone"]
    crashed = mason.run("greet", "boom")
    assert crashed.errors == ["ZeroDivisionError: division by zero inside the operator"]


def test_validate_and_listing(greet: None) -> None:
    resp = mason.validate("greet", "hello", who="x")
    assert resp.ok and "is valid" in resp.info[0]
    names = [(s.namespace, s.command) for s in mason.operators("greet")]
    assert names == [("greet", "boom"), ("greet", "hello")]
    hello = mason.operators("greet")[1]
    assert hello.parameter("times") is not None
    assert hello.parameter("times").type == "integer"  # type: ignore[union-attr]
    assert any(p.name == "registered" and "greet hello" in p.operators for p in mason.plugins())


def test_register_refuses_invalid_definitions_and_copies_nothing(
    tmp_path: Path, isolated_mason_home: Path
) -> None:
    # the bad definition sorts after the good one, so a register that copied as it
    # validated would already have copied "a b"
    good = tmp_path / "defs" / "ok"
    bad = tmp_path / "defs" / "z_bad"
    good.mkdir(parents=True)
    bad.mkdir(parents=True)
    (good / "operator.yaml").write_text("type: operator\nnamespace: a\ncommand: b\n")
    (bad / "operator.yaml").write_text("type: operator\nnamespace: a\ncommand: 'b c'\n")
    with pytest.raises(mason.MasonUsageError, match="must be letters"):
        mason.register(tmp_path / "defs")
    assert mason.operators("a") == []
    copied = [p for p in isolated_mason_home.rglob("operator.yaml")]
    assert copied == []
    # the good definition on its own is accepted: the refusal above was all-or-nothing
    assert mason.register(good) == ["operator a b"]
    assert [s.name for s in mason.operators("a")] == ["a b"]
