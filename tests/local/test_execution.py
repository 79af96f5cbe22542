"""The local execution engine: query and preview jobs on DuckDB, their
records, and staged outputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mason_core.errors import NotFoundError, UnsupportedConfigurationError
from mason_core.models import ExecutedJob, InferJob, JobStatus, PreviewJob, QueryJob, Table
from mason_core.secrets import remember

from .conftest import EngineFactory, LocalEngines
from .files import write_parquet, write_text


def register(engines: LocalEngines, path: Path, name: str, database: str = "shop") -> Table:
    inferred = engines.storage.infer_table(str(path), database, name)
    return engines.metastore.create_table(inferred.table)


@pytest.fixture
def shop(engines: LocalEngines, tmp_path: Path) -> list[Table]:
    """A parquet table partitioned by year, a CSV table and a JSON lines table."""
    for year, amounts in ((2023, [10.0, 20.0]), (2024, [5.0, 7.5, 2.5])):
        write_parquet(
            tmp_path / "data" / "orders" / f"year={year}" / "part-0.parquet",
            {"customer": [i % 2 + 1 for i in range(len(amounts))], "amount": amounts},
        )
    write_text(tmp_path / "data" / "customers" / "c.csv", "id;name\n1;ann\n2;bob\n")
    write_text(tmp_path / "data" / "visits" / "v.jsonl", '{"id": 1, "n": 3}\n{"id": 2, "n": 4}\n')
    register(engines, tmp_path / "data" / "orders", "orders")
    register(engines, tmp_path / "data" / "customers", "customers")
    register(engines, tmp_path / "data" / "visits", "visits")
    return engines.metastore.list_tables("shop")


def query(engines: LocalEngines, tables: list[Table], sql: str, **fields: object) -> ExecutedJob:
    job = QueryJob(query_string=sql, database_name="shop", tables=tables, **fields)  # type: ignore[arg-type]
    return engines.execution.run_job(job)


def test_query_without_output_returns_preview_and_count(
    engines: LocalEngines, shop: list[Table]
) -> None:
    done = query(
        engines,
        shop,
        "SELECT c.name, o.year, sum(o.amount) AS total FROM orders o "
        "JOIN shop.customers c ON c.id = o.customer GROUP BY ALL ORDER BY 1, 2;",
    )
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.client == "local" and done.kind == "query"
    assert done.preview == [
        {"name": "ann", "year": 2023, "total": 10.0},
        {"name": "ann", "year": 2024, "total": 7.5},
        {"name": "bob", "year": 2023, "total": 20.0},
        {"name": "bob", "year": 2024, "total": 7.5},
    ]
    assert done.row_count == 4
    assert [(c.name, c.type) for c in done.columns] == [
        ("name", "string"),
        ("year", "int64"),
        ("total", "double"),
    ]
    assert done.result_location is None
    assert done.started_at and done.finished_at and done.submitted_at
    assert done.submitted_at <= done.started_at <= done.finished_at


def test_preview_is_capped_but_row_count_is_complete(
    engines: LocalEngines, shop: list[Table]
) -> None:
    done = query(engines, shop, "SELECT range AS i FROM range(200000)", preview_rows=3)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert len(done.preview) == 3
    assert all(0 <= row["i"] < 200_000 for row in done.preview)
    assert done.row_count == 200_000


def test_json_lines_tables_and_json_safe_previews(engines: LocalEngines, shop: list[Table]) -> None:
    done = query(
        engines,
        shop,
        "SELECT id, n, DATE '2024-01-02' AS d, 1.5::DECIMAL(4,2) AS m, 'x'::BLOB AS b "
        "FROM visits ORDER BY id",
    )
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.preview[0] == {"id": 1, "n": 3, "d": "2024-01-02", "m": "1.50", "b": "eA=="}
    json.dumps(done.preview)


#: every plain column type (read as DuckDB's rows when the result is small),
#: nulls among them, and a result of other types (read through arrow)
PLAIN_COLUMNS = (
    "1::TINYINT AS i8, 2::SMALLINT AS i16, 3::INTEGER AS i32, 4::BIGINT AS i64, "
    "5::UTINYINT AS u8, 6::USMALLINT AS u16, 7::UINTEGER AS u32, 8::UBIGINT AS u64, "
    "1.25::FLOAT AS f, 'nan'::DOUBLE AS d, true AS b, 'x' AS s, NULL::VARCHAR AS n, "
    "'\\x00ab'::BLOB AS blob, DATE '2024-01-02' AS day, TIME '01:02:03.5' AS t, "
    "TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, 1.50::DECIMAL(4,2) AS m, "
    "123456789012345678.5::DECIMAL(38,1) AS big"
)


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT {PLAIN_COLUMNS}",
        f"SELECT {PLAIN_COLUMNS} FROM range(10001)",  # larger: run again through arrow
        f"SELECT {PLAIN_COLUMNS} FROM range(10000)",  # the most rows read as tuples
        "SELECT range AS i FROM range(200000) ORDER BY i DESC",
        "SELECT range AS i FROM range(10) WHERE false",  # no rows
        "SELECT 1 AS a, 2 AS a",  # one name twice
        "SELECT 12::HUGEINT AS h, INTERVAL 3 DAY AS iv, [1, 2] AS l, {'k': 1} AS st, "
        "MAP {'k': 1} AS mp, uuid '00000000-0000-0000-0000-000000000001' AS u",
        "SELECT name, amount FROM orders JOIN customers ON id = customer ORDER BY ALL",
        "CREATE TEMP TABLE x AS SELECT 1 AS a; SELECT a, 'y' AS b FROM x",  # a relation's
        "CREATE TEMP TABLE x AS SELECT 1 AS a",
    ],
    ids=[
        "plain",
        "plain-10001",
        "plain-10000",
        "sorted-200000",
        "empty",
        "same-name",
        "other-types",
        "join",
        "two-statements",
        "ddl",
    ],
)
def test_query_result_is_the_arrow_reading(
    engines: LocalEngines, shop: list[Table], sql: str
) -> None:
    """A small result of plain types is read from DuckDB's rows, without pyarrow
    (tests/test_import_weight.py); its columns, preview and count are those the
    arrow reading of the same query gives, whatever the types and size."""
    import duckdb
    from mason_local.jobs.results import arrow_reader, stream_result

    done = query(engines, shop, sql, preview_rows=5)
    assert done.status == JobStatus.SUCCEEDED, done.error
    con = duckdb.connect()
    try:
        for table in shop:  # the same tables, as the arrow reading sees them
            con.execute(
                f"CREATE VIEW {table.name} AS SELECT * FROM "
                f"read_{'parquet' if table.format == 'parquet' else 'csv'}"
                f"('{table.location}/**', hive_partitioning = true)"
            )
        columns, preview, count = stream_result(arrow_reader(con.sql(sql)), 5)
    finally:
        con.close()
    assert done.columns == columns
    assert json.dumps(done.preview) == json.dumps(preview)
    assert done.row_count == count


@pytest.mark.parametrize(
    ("output", "fmt", "written"),
    [
        ("out/result.parquet", "parquet", "out/result.parquet"),
        ("out/result", "parquet", "out/result/part-00000.parquet"),
        ("out/result.csv", "csv", "out/result.csv"),
        ("out/result", "json", "out/result/part-00000.json"),
    ],
)
def test_query_writes_output_through_staging(
    make_engines: EngineFactory,
    tmp_path: Path,
    output: str,
    fmt: str,
    written: str,
) -> None:
    engines = make_engines(root=str(tmp_path))
    write_parquet(tmp_path / "data" / "t" / "a.parquet", {"x": [3, 1, 2]})
    tables = [register(engines, tmp_path / "data" / "t", "t")]
    done = query(
        engines,
        tables,
        "SELECT x, x * 2 AS y FROM t ORDER BY x",
        output_path=output,
        output_format=fmt,
    )
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.result_location == str(tmp_path / output)
    assert done.row_count == 3
    assert done.preview == [{"x": 1, "y": 2}, {"x": 2, "y": 4}, {"x": 3, "y": 6}]
    assert [c.name for c in done.columns] == ["x", "y"]
    assert (tmp_path / written).is_file()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".mason")]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(tmp_path / written).column("y").to_pylist() == [2, 4, 6]


def test_existing_output_is_refused_unless_overwrite(
    make_engines: EngineFactory, tmp_path: Path
) -> None:
    engines = make_engines(root=str(tmp_path))
    target = write_text(tmp_path / "out.csv", "keep me\n")
    refused = query(engines, [], "SELECT 1 AS a", output_path="out.csv", output_format="csv")
    assert refused.status == JobStatus.FAILED
    assert refused.error is not None and "already exists" in refused.error
    assert target.read_text() == "keep me\n"
    replaced = query(
        engines, [], "SELECT 1 AS a", output_path="out.csv", output_format="csv", overwrite=True
    )
    assert replaced.status == JobStatus.SUCCEEDED, replaced.error
    assert target.read_text() == "a\n1\n"


def test_failing_query_leaves_no_partial_output(
    make_engines: EngineFactory, tmp_path: Path
) -> None:
    """The cast fails on the last row, after DuckDB has started writing: the
    staged file is dropped and nothing appears at the target."""
    engines = make_engines(root=str(tmp_path))
    values = [str(i) for i in range(300_000)] + ["not a number"]
    write_parquet(tmp_path / "data" / "s" / "a.parquet", {"v": values}, row_group_size=10_000)
    tables = [register(engines, tmp_path / "data" / "s", "s")]
    done = query(engines, tables, "SELECT CAST(v AS INTEGER) AS v FROM s", output_path="out/r")
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.startswith("query failed: Conversion Error")
    assert "\n" not in done.error
    assert os.listdir(tmp_path / "out") == []


def test_sql_errors_fail_the_job_with_one_line(engines: LocalEngines, shop: list[Table]) -> None:
    done = query(engines, shop, "SELECT nope FROM orders")
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert done.error.startswith("query failed: Binder Error") and "nope" in done.error
    assert "\n" not in done.error and "^" not in done.error
    assert engines.execution.get_job(done.id) == done


def test_secrets_are_scrubbed_from_job_errors(engines: LocalEngines, shop: list[Table]) -> None:
    remember("hunter2-very-secret")
    done = query(engines, shop, 'SELECT * FROM "hunter2-very-secret"')
    assert done.status == JobStatus.FAILED
    assert done.error is not None and "hunter2" not in done.error and "REDACTED" in done.error


def test_files_added_after_inference_are_read(
    engines: LocalEngines, shop: list[Table], tmp_path: Path
) -> None:
    write_parquet(
        tmp_path / "data" / "orders" / "year=2025" / "part-0.parquet",
        {"customer": [1], "amount": [100.0]},
    )
    done = query(engines, shop, "SELECT count(*) AS n, max(year) AS y FROM orders")
    assert done.preview == [{"n": 6, "y": 2025}]


def test_root_confines_what_sql_can_read(make_engines: EngineFactory, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = write_text(tmp_path / "outside.csv", "secret\n42\n")
    inside = write_text(root / "inside.csv", "ok\n1\n")
    engines = make_engines(root=str(root))
    allowed = query(engines, [], f"SELECT * FROM read_csv('{inside}')")
    assert allowed.status == JobStatus.SUCCEEDED and allowed.preview == [{"ok": 1}]
    refused = query(engines, [], f"SELECT * FROM read_csv('{outside}')")
    assert refused.status == JobStatus.FAILED
    assert refused.error is not None and "Permission Error" in refused.error
    unlocked = query(engines, [], "SET enable_external_access = true")
    assert unlocked.status == JobStatus.FAILED


def test_preview_job(engines: LocalEngines, shop: list[Table]) -> None:
    customers = next(t for t in shop if t.name == "customers")
    done = engines.execution.run_job(PreviewJob(table=customers, limit=1))
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.kind == "preview"
    assert done.preview == [{"id": 1, "name": "ann"}]
    assert [(c.name, c.type) for c in done.columns] == [("id", "int64"), ("name", "string")]


def test_table_whose_files_are_gone_fails_clearly(
    engines: LocalEngines, shop: list[Table], tmp_path: Path
) -> None:
    (tmp_path / "data" / "visits" / "v.jsonl").unlink()
    assert query(engines, shop, "SELECT 1").status == JobStatus.SUCCEEDED
    done = query(engines, shop, "SELECT count(*) FROM visits")
    assert done.status == JobStatus.FAILED
    assert done.error is not None and "'shop.visits' has no jsonl files" in done.error


def test_job_records(engines: LocalEngines, shop: list[Table]) -> None:
    first = query(engines, shop, "SELECT 1 AS a")
    second = query(engines, shop, "SELECT broken")
    assert engines.execution.get_job(first.id) == first
    listed = engines.execution.list_jobs(limit=2)
    assert [j.id for j in listed] == [second.id, first.id]
    assert [j.status for j in listed] == [JobStatus.FAILED, JobStatus.SUCCEEDED]
    assert len(engines.execution.list_jobs(limit=1)) == 1
    with pytest.raises(NotFoundError, match="job 'nope' not found"):
        engines.execution.get_job("nope")


def test_job_kinds_the_client_does_not_run_are_refused(engines: LocalEngines) -> None:
    job = InferJob(storage_path="/x", database_name="d")
    with pytest.raises(UnsupportedConfigurationError, match="does not run infer jobs"):
        engines.execution.run_job(job)
    assert engines.execution.list_jobs() == []
    assert {"query", "preview"} <= set(engines.execution.JOB_KINDS)
