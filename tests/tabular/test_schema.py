"""Reconciling many files' schemas into one, on arrow type names alone."""

from __future__ import annotations

import pytest

from mason_core.tabular.schema import CONFLICT_FILE_LIMIT, FileSchema, unify_schemas, unify_types


@pytest.mark.parametrize(
    ("types", "unified"),
    [
        ({"int32", "int64"}, "int64"),
        ({"int8", "uint32", "null"}, "int64"),
        ({"int64", "double"}, "double"),
        ({"float", "double"}, "double"),
        ({"string", "large_string"}, "string"),
        ({"null"}, "null"),
        ({"timestamp[s]", "timestamp[us]"}, "timestamp[us]"),
        ({"timestamp[ms, tz=UTC]", "timestamp[ns, tz=UTC]"}, "timestamp[ns, tz=UTC]"),
        ({"timestamp[ms, tz=UTC]", "timestamp[ms]"}, None),
        ({"decimal128(10, 2)", "decimal128(12, 6)"}, "decimal128(14, 6)"),
        ({"decimal128(38, 0)", "decimal128(38, 10)"}, "decimal256(48, 10)"),
        ({"int64", "string"}, None),
        ({"uint64", "int64"}, None),
        ({"date32[day]", "timestamp[ms]"}, None),
    ],
)
def test_unify_types(types: set[str], unified: str | None) -> None:
    assert unify_types(types) == unified


def _file(location: str, *columns: tuple[str, str]) -> FileSchema:
    return FileSchema(location, "parquet", list(columns))


def test_unify_schemas_widens_reports_and_keeps_first_seen_order() -> None:
    unified = unify_schemas(
        [
            _file("a", ("id", "int32"), ("code", "int64"), ("v", "int64")),
            _file("b", ("id", "int64"), ("code", "string"), ("v", "double")),
            _file("c", ("extra", "null"), ("id", "null")),
        ]
    )
    assert unified.columns == [
        ("id", "int64"),
        ("code", "string"),
        ("v", "double"),
        ("extra", "string"),
    ]
    [conflict] = unified.conflicts
    assert conflict.column == "code"
    assert conflict.types == {"int64": ["a"], "string": ["b"]}
    assert "column 'code' has conflicting types across files (int64, string); typed as string" in (
        unified.warnings
    )
    assert "column 'v' widened to double (double, int64)" in unified.warnings
    assert "column 'extra' is missing from 2 of 3 files" in unified.warnings
    assert not any("'id'" in w for w in unified.warnings)  # integer widening is silent


def test_conflicts_list_a_bounded_number_of_files() -> None:
    files = [_file(f"f{i}", ("x", "int64" if i else "string")) for i in range(30)]
    [conflict] = unify_schemas(files).conflicts
    assert conflict.types["string"] == ["f0"]
    shown = conflict.types["int64"]
    assert len(shown) == CONFLICT_FILE_LIMIT + 1
    assert shown[-1] == f"... and {29 - CONFLICT_FILE_LIMIT} more"
