from __future__ import annotations

import pytest

from mason_core.errors import ParameterError
from mason_core.operators.parameters import parse_parameter_string, validate_parameters
from mason_core.operators.spec import ParameterSpec


def test_value_may_contain_colons() -> None:
    parsed = parse_parameter_string("input_path:s3://bucket/key,output_path:/tmp/x")
    assert parsed == {"input_path": "s3://bucket/key", "output_path": "/tmp/x"}


def test_quoted_value_may_contain_commas_and_escapes() -> None:
    parsed = parse_parameter_string("query_string:\"SELECT a, b FROM t\",note:'it''s',x:a\\,b")
    assert parsed == {"query_string": "SELECT a, b FROM t", "note": "its", "x": "a,b"}


def test_malformed_items_are_all_reported() -> None:
    with pytest.raises(ParameterError) as err:
        parse_parameter_string("novalue,a:1,a:2")
    assert "'novalue' is not key:value" in str(err.value)
    assert "'a' given twice" in str(err.value)


def test_unclosed_quote_is_an_error() -> None:
    with pytest.raises(ParameterError, match="unclosed"):
        parse_parameter_string("q:'SELECT 1")


SPECS = [
    ParameterSpec(name="database_name", required=True),
    ParameterSpec(name="limit", type="integer", default=10),
    ParameterSpec(name="ratio", type="number"),
    ParameterSpec(name="overwrite", type="boolean", default=False),
    ParameterSpec(name="keys", type="list"),
    ParameterSpec(name="mode", choices=["fast", "safe"]),
]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ParameterError) as err:
        validate_parameters("op x", SPECS, {"limit": "ten", "ratio": "x", "bogus": 1, "mode": "y"})
    problems = err.value.problems
    assert any("unknown parameter bogus" in p for p in problems)
    assert any("missing required parameter database_name" in p for p in problems)
    assert any("'limit': expected an integer" in p for p in problems)
    assert any("'ratio': expected a number" in p for p in problems)
    assert any("'mode': must be one of fast, safe" in p for p in problems)
    assert len(problems) == 5


def test_values_are_typed_and_defaults_filled() -> None:
    out = validate_parameters(
        "op x",
        SPECS,
        {"database_name": "db", "ratio": "0.5", "overwrite": "yes", "keys": "a;b"},
    )
    assert out == {
        "database_name": "db",
        "limit": 10,
        "ratio": 0.5,
        "overwrite": True,
        "keys": ["a", "b"],
        "mode": None,
    }


def test_blank_required_value_counts_as_missing() -> None:
    with pytest.raises(ParameterError, match="missing required parameter database_name"):
        validate_parameters("op x", SPECS, {"database_name": "  "})


@pytest.mark.parametrize(
    ("name", "value", "position"),
    [
        ("text", "sales\udcff", 5),
        ("items", ["a", "b\udc80"], 1),
        ("options", {"k\udcff": "v"}, 1),
        ("options", {"k": ["\ud800"]}, 0),
    ],
)
def test_text_that_is_not_unicode_is_a_parameter_error(
    name: str, value: object, position: int
) -> None:
    # lone surrogates (what undecodable bytes become) cannot be written to a job
    # record, a path or JSON: refused up front, not a crash inside the job
    specs = [
        ParameterSpec(name="text", type="string"),
        ParameterSpec(name="items", type="list"),
        ParameterSpec(name="options", type="mapping"),
    ]
    with pytest.raises(ParameterError) as err:
        validate_parameters("op x", specs, {name: value})
    assert err.value.problems == [
        f"op x: parameter '{name}': not valid Unicode text (a lone surrogate at "
        f"position {position})"
    ]


def test_mason_run_refuses_a_lone_surrogate_as_a_usage_error() -> None:
    import mason

    with pytest.raises(ParameterError) as err:
        mason.run("table", "list", database_name="sales\udcff")
    assert err.value.exit_code == 2
    assert str(err.value) == (
        "operator 'table list': parameter 'database_name': not valid Unicode text "
        "(a lone surrogate at position 5)"
    )
