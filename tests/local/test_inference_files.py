"""Inference of single formats: parquet from footers, CSV and JSON lines from samples."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from mason_local.config import LocalClientConfig
from mason_local.inference.files import detect_format, read_schema

from mason_core.tabular.infer import DataFile

from .conftest import EngineFactory, LocalEngines
from .files import write_parquet, write_text


def columns(inferred: object) -> list[tuple[str, str]]:
    table = inferred.table  # type: ignore[attr-defined]
    return [(c.name, c.type) for c in table.table_schema.columns]


def test_parquet_schema_and_row_count_from_many_files(
    engines: LocalEngines, tmp_path: Path
) -> None:
    import pyarrow as pa

    base = tmp_path / "events"
    expected_rows = 0
    for i in range(120):
        rows = i % 7 + 1
        expected_rows += rows
        write_parquet(
            base / f"part-{i:04d}.parquet",
            {
                "id": pa.array(range(rows), pa.int64()),
                "name": [f"n{j}" for j in range(rows)],
                "at": pa.array([dt.datetime(2024, 1, 1)] * rows, pa.timestamp("us")),
                "day": pa.array([dt.date(2024, 1, 2)] * rows, pa.date32()),
                "ok": [True] * rows,
            },
        )
    inferred = engines.storage.infer_table(str(base), "db")
    table = inferred.table
    assert table.name == "events" and table.database == "db" and table.format == "parquet"
    assert columns(inferred) == [
        ("id", "int64"),
        ("name", "string"),
        ("at", "timestamp[us]"),
        ("day", "date32[day]"),
        ("ok", "bool"),
    ]
    assert table.properties["record_count"] == str(expected_rows)
    assert table.file_count == 120
    assert table.size_bytes == sum(p.stat().st_size for p in base.iterdir())
    assert table.partition_keys == [] and table.partitions is None
    assert inferred.conflicts == [] and inferred.warnings == []


def test_parquet_inference_never_reads_data_pages(engines: LocalEngines, tmp_path: Path) -> None:
    """Wreck everything between the header magic and the footer: the data can no
    longer be read, yet inference (footer only) still gives schema and row count."""
    import pyarrow.parquet as pq

    path = write_parquet(
        tmp_path / "t" / "big.parquet",
        {"k": list(range(50_000)), "v": [f"value-{i}" for i in range(50_000)]},
        compression="none",
        row_group_size=5_000,
    )
    data = bytearray(path.read_bytes())
    footer_length = int.from_bytes(data[-8:-4], "little")
    footer_start = len(data) - 8 - footer_length
    data[4:footer_start] = b"\xff" * (footer_start - 4)
    path.write_bytes(bytes(data))
    with pytest.raises(Exception):  # noqa: B017 - any failure proves the data is unreadable
        pq.read_table(path)
    inferred = engines.storage.infer_table(str(path.parent), "db")
    assert columns(inferred) == [("k", "int64"), ("v", "string")]
    assert inferred.table.properties["record_count"] == "50000"


def test_csv_with_header_and_typed_body(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(
        tmp_path / "people" / "p.csv",
        "name,age,height,joined,member\nann,31,1.72,2020-01-03,true\nbob,40,1.80,2021-06-01,false\n",
    )
    inferred = engines.storage.infer_table(str(tmp_path / "people"), "db")
    assert columns(inferred) == [
        ("name", "string"),
        ("age", "int64"),
        ("height", "double"),
        ("joined", "date32[day]"),
        ("member", "bool"),
    ]
    assert inferred.table.format == "csv"
    assert inferred.table.properties == {"header": "true", "delimiter": ","}


def test_csv_without_header_gets_positional_names(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(tmp_path / "n" / "n.csv", "1,2.5,x\n2,3.5,y\n3,4.5,z\n")
    inferred = engines.storage.infer_table(str(tmp_path / "n"), "db")
    assert columns(inferred) == [("col_0", "int64"), ("col_1", "double"), ("col_2", "string")]
    assert inferred.table.properties["header"] == "false"


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("city,country\nparis,france\nrome,italy\n", True),
        ("ann@example.com,555-1234\nbob@example.com,555-9876\n", False),
        ("paris,france\nparis,italy\n", False),
        ("a b,c-d\nx,y\n", True),
        ("id,value\n", True),
    ],
)
def test_csv_header_detection_for_string_columns(tmp_path: Path, text: str, header: bool) -> None:
    path = write_text(tmp_path / "s.csv", text)
    schema = read_schema(DataFile(str(path), (), str(tmp_path), "csv"), 1 << 20)
    assert schema.properties["header"] == ("true" if header else "false")


def test_csv_delimiters_are_detected(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(tmp_path / "semi" / "a.csv", 'id;label\n1;"a,b"\n2;"c,d"\n')
    write_text(tmp_path / "tabs" / "a.tsv", "id\tlabel\n1\tx\n2\ty\n")
    for folder, delimiter in (("semi", ";"), ("tabs", "\t")):
        inferred = engines.storage.infer_table(str(tmp_path / folder), "db")
        assert inferred.table.properties["delimiter"] == delimiter
        assert columns(inferred) == [("id", "int64"), ("label", "string")]


def test_csv_quoted_commas_keep_columns_together(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(tmp_path / "q" / "a.csv", 'id,label\n1,"a, b"\n2,"c, d"\n')
    inferred = engines.storage.infer_table(str(tmp_path / "q"), "db")
    assert columns(inferred) == [("id", "int64"), ("label", "string")]
    assert inferred.table.properties["delimiter"] == ","


def test_csv_reads_only_the_sample(make_engines: EngineFactory, tmp_path: Path) -> None:
    """Rows past the sample are not read: a text value after it does not change
    the inferred integer type."""
    body = "".join(f"{i},{i * 2}\n" for i in range(20_000))
    write_text(tmp_path / "big" / "a.csv", "a,b\n" + body + "oops,1\n")
    small = make_engines(csv_sample_bytes=4096).storage.infer_table(str(tmp_path / "big"), "db")
    assert columns(small) == [("a", "int64"), ("b", "int64")]
    whole = make_engines(csv_sample_bytes=1 << 22).storage.infer_table(str(tmp_path / "big"), "db")
    assert columns(whole) == [("a", "string"), ("b", "int64")]


def test_compressed_csv_is_sampled(engines: LocalEngines, tmp_path: Path) -> None:
    folder = tmp_path / "gz"
    folder.mkdir()
    with gzip.open(folder / "a.csv.gz", "wt") as fh:
        fh.write("id,name\n1,a\n2,b\n")
    inferred = engines.storage.infer_table(str(folder), "db")
    assert columns(inferred) == [("id", "int64"), ("name", "string")]


def test_duplicate_and_blank_header_names_are_made_unique(tmp_path: Path) -> None:
    path = write_text(tmp_path / "d.csv", "id,id,,name\n1,2,3,x\n")
    file = DataFile(str(path), (), str(tmp_path), "csv")
    schema = read_schema(file, LocalClientConfig().csv_sample_bytes)
    assert [n for n, _ in schema.columns] == ["id", "id_2", "col_2", "name"]


def test_json_lines(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(
        tmp_path / "j" / "a.jsonl",
        '{"id": 1, "name": "a", "tags": ["x"], "geo": {"lat": 1.5}}\n'
        '{"id": 2, "name": null, "tags": [], "geo": {"lat": 2.5}}\n',
    )
    inferred = engines.storage.infer_table(str(tmp_path / "j"), "db")
    assert inferred.table.format == "jsonl"
    assert columns(inferred) == [
        ("id", "int64"),
        ("name", "string"),
        ("tags", "list<item: string>"),
        ("geo", "struct<lat: double>"),
    ]


def test_format_detection_by_content(tmp_path: Path) -> None:
    parquet = write_parquet(tmp_path / "noext", {"a": [1]})
    json_file = write_text(tmp_path / "data1", '{"a": 1}\n')
    csv_file = write_text(tmp_path / "data2", "a,b\n1,2\n")
    binary = tmp_path / "blob"
    binary.write_bytes(b"\x00\x01\x02binary")
    assert [detect_format(p) for p in (parquet, json_file, csv_file, binary)] == [
        "parquet",
        "jsonl",
        "csv",
        None,
    ]


def test_single_file_location_names_the_table_after_it(
    engines: LocalEngines, tmp_path: Path
) -> None:
    path = write_text(tmp_path / "daily-sales.2024.csv", "a\n1\n")
    inferred = engines.storage.infer_table(str(path), "db")
    assert inferred.table.name == "daily_sales"
    assert inferred.table.location == str(path)
    named = engines.storage.infer_table(str(path), "db", "custom")
    assert named.table.name == "custom"
