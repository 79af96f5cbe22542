"""Format detection and hive partitions, shared by every storage client."""

from __future__ import annotations

import pytest

from mason_core.tabular.formats import format_from_head, format_from_name, is_tab_separated
from mason_core.tabular.partitions import (
    HIVE_NULL,
    dominant_layout,
    partition_type,
    partition_values,
)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.parquet", "parquet"),
        ("s3://b/k/part-0.PQ", "parquet"),
        ("dir/x.csv.gz", "csv"),
        ("x.tsv", "csv"),
        ("e.ndjson", "jsonl"),
        ("e.json.zst", "jsonl"),
        ("_SUCCESS", None),
        ("archive.gz", None),
    ],
)
def test_format_from_name(name: str, fmt: str | None) -> None:
    assert format_from_name(name) == fmt


def test_format_from_head_and_tab_separation() -> None:
    assert format_from_head(b"PAR1\x00\x01") == "parquet"
    assert format_from_head(b'  {"a": 1}\n') == "jsonl"
    assert format_from_head(b"a,b\n1,2\n") == "csv"
    assert format_from_head(b"\x00\x01binary") is None
    assert format_from_head(b"") is None
    assert format_from_head("é".encode()[:1]) == "csv"  # a cut multi-byte character
    assert is_tab_separated("data/x.TSV.gz") and not is_tab_separated("x.csv")


def test_partition_values() -> None:
    assert partition_values(()) == []
    assert partition_values(("year=2024", "region=eu%2Fwest")) == [
        ("year", "2024"),
        ("region", "eu/west"),
    ]
    assert partition_values(("year=2024", "misc")) is None
    assert partition_values(("=x",)) is None
    assert partition_values(("k=",)) == [("k", "")]


def test_dominant_layout_prefers_the_most_common_then_the_first() -> None:
    assert dominant_layout([("a",), ("b",), ("b",)]) == ("b",)
    assert dominant_layout([("a", "b"), ("c",)]) == ("a", "b")


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["1", "-2", HIVE_NULL], "int64"),
        (["1", "2.5", ""], "double"),
        (["99999999999999999999"], "double"),  # beyond int64
        (["2024-01-02", "2023-12-31"], "date32[day]"),
        (["eu", "1"], "string"),
        ([HIVE_NULL], "string"),
        ([], "string"),
    ],
)
def test_partition_type(values: list[str], kind: str) -> None:
    assert partition_type(values) == kind
