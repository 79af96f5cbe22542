"""Arrow type names in Hive's spelling, and CREATE EXTERNAL TABLE DDL."""

from __future__ import annotations

import pytest

from mason_core.models import Column, Schema, Table
from mason_core.tabular.hive import (
    arrow_type,
    decimal_parts,
    external_table_ddl,
    hive_literal,
    hive_type,
)


@pytest.mark.parametrize(
    ("arrow", "hive"),
    [
        ("int64", "bigint"),
        ("uint8", "smallint"),
        ("large_string", "string"),
        ("null", "string"),
        ("timestamp[us, tz=UTC]", "timestamp"),
        ("decimal128(10, 2)", "decimal(10,2)"),
        ("list<item: int64>", "string"),
    ],
)
def test_hive_type(arrow: str, hive: str) -> None:
    assert hive_type(arrow) == hive


def test_arrow_type_and_decimal_parts() -> None:
    assert arrow_type("BIGINT") == "int64"
    assert arrow_type("varchar(20)") == "string"
    assert arrow_type("decimal(10, 2)") == "decimal128(10, 2)"
    assert arrow_type("array<string>") == "array<string>"
    assert decimal_parts("decimal256(40, -2)") == (40, -2)
    assert decimal_parts("double") is None


def _table(**update: object) -> Table:
    table = Table(
        name="orders",
        database="sales",
        location="s3://b/orders/",
        format="csv",
        table_schema=Schema(columns=[Column(name="id", type="int64")]),
        partition_keys=[Column(name="day", type="date32[day]")],
        properties={"delimiter": "|", "header": "true", "owner": "it's me"},
    )
    return table.model_copy(update=update)


def test_csv_ddl_turns_reader_properties_into_clauses() -> None:
    assert external_table_ddl(_table(), if_not_exists=True).splitlines() == [
        "CREATE EXTERNAL TABLE IF NOT EXISTS `sales`.`orders` (",
        "  `id` BIGINT",
        ")",
        "PARTITIONED BY (`day` DATE)",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'",
        "STORED AS TEXTFILE",
        "LOCATION 's3://b/orders/'",
        "TBLPROPERTIES ('owner'='it\\'s me', 'skip.header.line.count'='1')",
    ]


def test_parquet_and_json_lines_ddl() -> None:
    parquet = external_table_ddl(
        _table(format="parquet", partition_keys=[], properties={}, database=None)
    )
    assert parquet.splitlines()[0] == "CREATE EXTERNAL TABLE `orders` ("
    assert "STORED AS PARQUET" in parquet and "TBLPROPERTIES" not in parquet
    assert "JsonSerDe" in external_table_ddl(_table(format="jsonl", properties={}))
    assert hive_literal("a\\b'c") == "'a\\\\b\\'c'"
