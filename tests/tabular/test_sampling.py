"""Schemas of CSV and JSON lines samples: delimiter, header, column types."""

from __future__ import annotations

import pytest

from mason_core.tabular.sampling import (
    column_names,
    csv_columns,
    cut_at_last_line,
    sample_schema,
    sniff_delimiter,
)

pytest.importorskip("pyarrow")


def test_cut_at_last_line() -> None:
    assert cut_at_last_line(b"a\nb\nc", more=True) == b"a\nb\n"
    assert cut_at_last_line(b"a\nb\nc", more=False) == b"a\nb\nc"
    assert cut_at_last_line(b"abc", more=True) == b"abc"


@pytest.mark.parametrize(
    ("head", "delimiter"),
    [
        ("a,b\n1,2\n", ","),
        ('id;label\n1;"a,b"\n', ";"),
        ("a|b|c\n1|2|3\n", "|"),
        ("a\tb\n1\t2\n", "\t"),
        ("one\ntwo\n", ","),
    ],
)
def test_sniff_delimiter(head: str, delimiter: str) -> None:
    assert sniff_delimiter(head) == delimiter


@pytest.mark.parametrize(
    ("text", "header", "columns"),
    [
        ("id,name\n1,x\n2,y\n", True, [("id", "int64"), ("name", "string")]),
        ("1,x\n2,y\n", False, [("col_0", "int64"), ("col_1", "string")]),
        ("city,country\nParis,France\nRome,Italy\n", True, None),
        ("Paris,France\nRome,Italy\nParis,Italy\n", False, None),
        ("a,b\n", True, [("a", "null"), ("b", "null")]),
    ],
)
def test_csv_header_detection(
    text: str, header: bool, columns: list[tuple[str, str]] | None
) -> None:
    found, properties = csv_columns(text.encode())
    assert properties == {"header": "true" if header else "false", "delimiter": ","}
    if columns is not None:
        assert found == columns


def test_tab_separated_files_need_no_sniffing_and_names_are_made_unique() -> None:
    found, properties = csv_columns(b"id\tid\t\n1\t2\t3\n", tab_separated=True)
    assert properties["delimiter"] == "\t"
    assert [n for n, _ in found] == ["id", "id_2", "col_2"]
    assert column_names([" a ", "a", ""]) == ["a", "a_2", "col_2"]


def test_sample_schema_for_csv_and_json_lines() -> None:
    csv = sample_schema("csv", "s3://b/x.tsv", b"k\tv\n1\t2.5\n", 11)
    assert (csv.location, csv.format, csv.size_bytes) == ("s3://b/x.tsv", "csv", 11)
    assert csv.columns == [("k", "int64"), ("v", "double")]
    assert csv.properties["delimiter"] == "\t"
    events = sample_schema("jsonl", "/e.jsonl", b'{"id": 1, "ok": true}\n', 22)
    assert events.columns == [("id", "int64"), ("ok", "bool")] and events.properties == {}
    with pytest.raises(ValueError, match="empty"):
        sample_schema("csv", "/x.csv", b"  \n", 3)


def _footer(table: object) -> bytes:
    import io

    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def test_footers_of_one_parquet_schema_but_other_arrow_types_keep_their_types() -> None:
    """Files alike to parquet (int64, UTF8 byte arrays) whose arrow schema differs
    (a duration, a large string) must not borrow each other's converted columns."""
    import pyarrow as pa

    from mason_core.tabular.sampling import tail_footer_schema

    plain = pa.table({"d": pa.array([1], pa.int64()), "s": pa.array(["x"], pa.string())})
    arrow = pa.table(
        {"d": pa.array([1], pa.duration("s")), "s": pa.array(["x"], pa.large_string())}
    )
    seen = []
    for name, table in (("a", plain), ("b", plain), ("c", arrow), ("d", plain), ("e", arrow)):
        data = _footer(table)
        schema = tail_footer_schema(name, len(data), lambda n, data=data: data[-n:])
        seen.append(schema.columns)
    assert seen == [
        [("d", "int64"), ("s", "string")],
        [("d", "int64"), ("s", "string")],
        [("d", "duration[s]"), ("s", "large_string")],
        [("d", "int64"), ("s", "string")],
        [("d", "duration[s]"), ("s", "large_string")],
    ]
    seen[0].append(("mutated", "int64"))  # each file gets its own list
    data = _footer(plain)
    again = tail_footer_schema("f", len(data), lambda n: data[-n:])
    assert again.columns == [("d", "int64"), ("s", "string")]
