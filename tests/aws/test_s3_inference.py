"""Table inference from S3 objects: formats, partitions, conflicts, concurrency."""

from __future__ import annotations

from typing import Any

from tests.aws.conftest import put_parquet, put_text


def test_parquet_partitions_footer_only(storage_factory: Any, s3: Any, bucket: str) -> None:
    for region, ids in (("eu", [1, 2]), ("us", [3]), ("apac", [4, 5, 6])):
        put_parquet(
            s3, bucket, f"sales/region={region}/p.parquet", {"id": ids, "v": [1.0] * len(ids)}
        )
    put_text(s3, bucket, "sales/_SUCCESS", "")
    put_text(s3, bucket, "sales/README.txt", "not data")
    inferred = storage_factory("s3", "storage").infer_table("s3://mason-data/sales/", "db")
    table = inferred.table
    assert (table.name, table.format, table.location) == (
        "sales",
        "parquet",
        "s3://mason-data/sales/",
    )
    assert [(c.name, c.type) for c in table.table_schema.columns] == [
        ("id", "int64"),
        ("v", "double"),
    ]
    assert [k.name for k in table.partition_keys] == ["region"]
    assert sorted(p.values["region"] for p in table.partitions or []) == ["apac", "eu", "us"]
    assert table.properties["record_count"] == "6"  # summed from the footers
    assert inferred.skipped_files == ["s3://mason-data/sales/README.txt"]


def test_csv_and_jsonl_samples(storage_factory: Any, s3: Any, bucket: str) -> None:
    put_text(s3, bucket, "semi/a.csv", "id;name\n1;x\n2;y\n")
    put_text(s3, bucket, "events/e.jsonl", '{"id": 1, "ok": true}\n{"id": 2, "ok": false}\n')
    storage = storage_factory("s3", "storage")
    csv = storage.infer_table("mason-data/semi", "db").table
    assert csv.format == "csv" and csv.properties["delimiter"] == ";"
    assert [(c.name, c.type) for c in csv.table_schema.columns] == [
        ("id", "int64"),
        ("name", "string"),
    ]
    events = storage.infer_table("mason-data/events/e.jsonl", "db", "ev").table
    assert (events.name, events.format, events.location) == (
        "ev",
        "jsonl",
        "s3://mason-data/events/e.jsonl",
    )
    assert [(c.name, c.type) for c in events.table_schema.columns] == [
        ("id", "int64"),
        ("ok", "bool"),
    ]


def test_conflicting_types_are_reported_and_widened(
    storage_factory: Any, s3: Any, bucket: str
) -> None:
    put_text(s3, bucket, "mix/a.csv", "k,n\n1,2\n")
    put_text(s3, bucket, "mix/b.csv", "k,n\nx,2.5\n")
    inferred = storage_factory("s3", "storage").infer_table("mason-data/mix", "db")
    types = {c.name: c.type for c in inferred.table.table_schema.columns}
    assert types == {"k": "string", "n": "double"}
    assert [c.column for c in inferred.conflicts] == ["k"]
    assert any("widened" in w for w in inferred.warnings)


def test_concurrent_and_serial_inference_agree(storage_factory: Any, s3: Any, bucket: str) -> None:
    for i in range(40):
        put_parquet(s3, bucket, f"many/day={i % 4}/p{i}.parquet", {"a": [i], "b": [str(i)]})
    fast = storage_factory("s3", "storage", infer_workers=16).infer_table("mason-data/many", "db")
    slow = storage_factory("s3", "storage", infer_workers=1).infer_table("mason-data/many", "db")
    assert fast.table == slow.table
    assert fast.table.file_count == 40 and fast.table.properties["record_count"] == "40"
