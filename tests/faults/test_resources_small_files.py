"""Many small files stay bounded (issue 19, item 5): ``table merge`` reads
its input a group of files at a time, schema included, and still writes
exactly every row; ``table query`` hands DuckDB the file list as a variable
(never 200,000 quoted paths in SQL) and unifies file schemas only when the
files may differ. The 200,000-file figures are in ``bench/bench_small_files.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from mason_local.jobs import sources, tables

import mason

from ._resources import one_row_files

FILES = 300


def _rows(output: Path) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect()
    try:
        return con.execute(
            f"SELECT * FROM read_parquet('{output}/**/*.parquet', union_by_name = true) ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def test_merge_of_many_small_files_reads_a_group_at_a_time_and_keeps_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "landing"
    one_row_files(source, FILES)
    # the last group alone has a double id and a column no other file has:
    # the output's schema is the whole input's, not the first group's
    pq.write_table(pa.table({"id": [FILES + 0.5], "extra": ["late"]}), source / "zz.parquet")
    monkeypatch.setattr(sources, "GROUP_FILES", 64)
    widest: list[int] = []
    read_sql = sources.read_sql

    def spy(files: list[sources.InputFile], parse_headers: bool, hive: bool) -> str:
        widest.append(len(files))
        return read_sql(files, parse_headers, hive)

    monkeypatch.setattr("mason_local.jobs.merge.read_sql", spy)
    monkeypatch.setattr(sources, "read_sql", spy)

    response = mason.run(
        "table", "merge", input_path=str(source), output_path=str(tmp_path / "lake")
    )
    assert response.ok, response.errors
    assert response.data[0].row_count == FILES + 1
    # no statement (schema or copy) read more than one group of files
    assert max(widest) <= 64
    rows = _rows(tmp_path / "lake")
    assert [r[0] for r in rows] == [float(i) for i in range(FILES)] + [FILES + 0.5]
    assert rows[0] == (0.0, "n0", None) and rows[-1] == (FILES + 0.5, None, "late")
    columns = [(c.name, c.type) for c in response.data[0].columns]
    assert columns == [("id", "double"), ("name", "string"), ("extra", "string")]


def _query(sql: str) -> mason.Response:
    response = mason.run("table", "query", database_name="d", query_string=sql)
    assert response.ok, response.errors
    return response


def test_query_of_many_small_files_is_right_and_names_no_file_in_its_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "t"
    one_row_files(source, FILES)
    inferred = mason.run(
        "table", "infer", storage_path=str(source), database_name="d", table_name="t"
    )
    assert inferred.ok, inferred.errors
    scans: list[str] = []
    scan_sql = tables.scan_sql

    def spy(*args: object) -> str:
        scans.append(scan_sql(*args))  # type: ignore[arg-type]
        return scans[-1]

    monkeypatch.setattr(tables, "scan_sql", spy)

    answer = _query("SELECT count(*) AS n, sum(id)::BIGINT AS total FROM t").data[0].preview
    assert answer == [{"n": FILES, "total": sum(range(FILES))}]
    # the view reads a variable: no path (let alone 300) in the SQL DuckDB parses
    views = (
        _query(
            "SELECT sql FROM duckdb_views() WHERE view_name = 't' AND (SELECT count(*) FROM t) > 0"
        )
        .data[0]
        .preview
    )
    assert str(source) not in views[0]["sql"] and len(views[0]["sql"]) < 500
    # every file had the same columns at inference, and none changed since:
    # DuckDB need not keep a schema per file
    assert "union_by_name = false" in scans[0]


def test_a_file_added_after_inference_is_read_by_name_not_cast_to_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "t"
    one_row_files(source, 20)
    inferred = mason.run(
        "table", "infer", storage_path=str(source), database_name="d", table_name="t"
    )
    assert inferred.ok, inferred.errors
    # a new file whose id is a double: read as the first file's BIGINT it
    # would silently become 2 (a wrong sum); read by name it stays 2.5
    pq.write_table(pa.table({"id": [2.5], "name": ["new"]}), source / "part-9999999.parquet")
    answer = _query("SELECT count(*) AS n, sum(id) AS total FROM t").data[0].preview
    assert answer == [{"n": 21, "total": sum(range(20)) + 2.5}]

    # rewritten in place (same count of files): the listing changed, so too
    pq.write_table(pa.table({"id": [0.25], "name": ["re"]}), source / "part-0000000.parquet")
    (source / "part-9999999.parquet").unlink()
    answer = _query("SELECT sum(id) AS total FROM t").data[0].preview
    assert answer == [{"total": sum(range(1, 20)) + 0.25}]
