"""``table query`` plans only the Iceberg data files its WHERE may keep.

A real table on the local default (pyiceberg's SQL catalog on SQLite, real
parquet files) of 20 appends with disjoint id ranges; every pruned answer is
compared with DuckDB reading every file of the snapshot itself, so pruning
that dropped a file holding a matching row fails the comparison. Nothing is
mocked."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mason
from mason import models
from mason_core.runtime import reset_sessions

from .test_iceberg_operators import plan, write_parquet

Run = Callable[..., mason.Response]

FILES = 20
ROWS = 50
START = datetime(2024, 5, 1, tzinfo=timezone.utc)


def rows_of(part: int) -> list[dict[str, Any]]:
    """File ``part``: ids part*50 .. part*50+49, its own kind, nulls in every fifth."""
    return [
        {
            "id": part * ROWS + i,
            "kind": f"k{part:02d}",
            "flag": part % 2 == 0,
            "maybe": None if part % 5 == 0 and i % 2 else part,
            "amount": float("nan") if part == 7 and i == 0 else part + i / 10,
            "order": part,
            "ts": START + timedelta(hours=part),
            "seen": START.replace(tzinfo=None) + timedelta(hours=part, seconds=i),
            "day": (START + timedelta(days=part)).date(),
        }
        for i in range(ROWS)
    ]


def build(home: Path, data: Path) -> None:
    """``lake.ranges`` in MASON_HOME ``home``: one file adopted, then 19
    appends of one file each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("kind", pa.string()),
            ("flag", pa.bool_()),
            ("maybe", pa.int64()),
            ("amount", pa.float64()),
            ("order", pa.int64()),
            ("ts", pa.timestamp("us", tz="UTC")),
            ("seen", pa.timestamp("us")),
            ("day", pa.date32()),
        ]
    )

    def parquet(part: int) -> Path:
        path = data / f"in{part}" / "part.parquet"
        path.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows_of(part), schema=schema), path)
        return path

    def run(command: str, **params: Any) -> None:
        response = mason.run("table", command, database_name="lake", **params)
        assert response.ok, response.errors

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MASON_HOME", str(home))
        reset_sessions()
        first = parquet(0).parent
        run("infer", storage_path=str(first), table_name="ranges", format="iceberg")
        for part in range(1, FILES):
            run("write", table_name="ranges", input_path=str(parquet(part)))
        assert len(plan("ranges").tasks) == FILES
    reset_sessions()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One table for the tests that only read it."""
    root = tmp_path_factory.mktemp("ranges")
    build(root / "home", root / "data")
    return root / "home"


@pytest.fixture
def ranges(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lake.ranges`` (shared, read only) in this test's MASON_HOME."""
    monkeypatch.setenv("MASON_HOME", str(built))
    reset_sessions()


@pytest.fixture
def own_ranges(mason_home: Path, tmp_path: Path) -> None:
    """``lake.ranges`` of this test's own, for a test that changes it."""
    build(mason_home, tmp_path / "data")


def job(sql: str, **params: Any) -> tuple[models.ExecutedJob, list[str]]:
    response = mason.run("table", "query", database_name="lake", query_string=sql, **params)
    assert response.ok, response.errors
    executed = response.data[0]
    assert isinstance(executed, models.ExecutedJob)
    return executed, response.info


def normal(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Rows comparable whatever their order (NaN equal to itself)."""

    def cell(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return "NaN"
        return str(value)

    return sorted(tuple(cell(v) for v in row.values()) for row in rows)


def unpruned(sql: str, as_of: str | None = None) -> list[tuple[Any, ...]]:
    """``sql`` over every file of the snapshot, read by DuckDB itself."""
    import duckdb

    files = [t.path for t in plan("ranges", as_of).tasks]
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA lake")
        con.execute("SET schema = 'lake'")
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(
            f"CREATE VIEW lake.ranges AS SELECT * FROM read_parquet([{listed}], "
            "union_by_name = true)"
        )
        result = con.execute(sql)
        names = [d[0] for d in result.description]
        return normal([dict(zip(names, row, strict=True)) for row in result.fetchall()])
    finally:
        con.close()


_outputs = itertools.count()


def pruned(sql: str, **params: Any) -> tuple[list[tuple[Any, ...]], int | None, int | None]:
    """Mason's answer to ``sql`` (every row, written out and read back), and
    its files planned and pruned."""
    import pyarrow.parquet as pq

    out = Path(os.environ["MASON_HOME"]) / "out" / f"{next(_outputs)}.parquet"
    executed, _ = job(sql, output_path=str(out), **params)
    planned = executed.metrics.get("iceberg_files_planned")
    left_out = executed.metrics.get("iceberg_files_pruned")
    return (
        normal(pq.read_table(out).to_pylist()),
        None if planned is None else int(planned),
        None if left_out is None else int(left_out),
    )


def test_a_point_query_plans_one_file_and_returns_its_rows(ranges: None) -> None:
    executed, info = job("SELECT id, kind FROM ranges WHERE id = 777")
    assert [dict(r) for r in executed.preview] == [{"id": 777, "kind": "k15"}]
    assert executed.metrics["iceberg_files_planned"] == 1
    assert executed.metrics["iceberg_files_pruned"] == FILES - 1
    assert any(
        "read 1 of 20 Iceberg data files (19 pruned by the query's WHERE)" in line for line in info
    )
    everything, _ = job("SELECT count(*) AS n FROM ranges")
    assert everything.preview[0]["n"] == FILES * ROWS
    assert everything.metrics["iceberg_files_planned"] == FILES
    assert everything.metrics["iceberg_files_pruned"] == 0


@pytest.mark.parametrize(
    ("where", "planned"),
    [
        ("id = 777 AND kind <> 'x'", 1),
        ("777 = id", 1),
        ("949 < id", 1),
        ("'k18' <= kind AND 999 >= id", 2),
        ("id IN (10, 777)", 2),
        ("id BETWEEN 100 AND 149", 1),
        ("id >= 900", 2),
        ("id < 50", 1),
        ("id > 949 AND id <= 2000", 1),
        ("kind = 'k03'", 1),
        ("kind >= 'k18'", 2),
        ("maybe IS NULL", 4),
        ("maybe IS NOT NULL AND id < 100", 2),
        ("flag = true AND id < 200", 2),
        ("id = -1", 0),
        ("id = 777 AND (kind = 'k15' OR kind = 'x')", 1),
        ("day = DATE '2024-05-04'", 1),
        ("day >= '2024-05-20'::DATE", 1),
        ("day BETWEEN DATE '2024-05-02' AND DATE '2024-05-03'", 2),
        ("seen >= TIMESTAMP '2024-05-01 18:00:49'", 2),
        ("seen < TIMESTAMP '2024-05-01 01:00:00.000001'", 2),
        ("seen = TIMESTAMP '2024-05-01T05:00:07'", 1),
    ],
)
def test_pruned_reads_return_what_every_file_returns(
    ranges: None, where: str, planned: int
) -> None:
    sql = f"SELECT * FROM ranges WHERE {where}"
    got, files, left_out = pruned(sql)
    assert got == unpruned(sql)
    assert (files, left_out) == (planned, FILES - planned)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM ranges WHERE id = 3 OR id = 777",
        "SELECT * FROM ranges WHERE NOT id <> 777",
        "SELECT * FROM ranges WHERE id + 0 = 777",
        "SELECT * FROM ranges WHERE abs(id) = 777",
        "SELECT * FROM ranges WHERE CAST(id AS VARCHAR) = '777'",
        "SELECT * FROM ranges WHERE id = '777'",  # a string literal for an integer column
        "SELECT * FROM ranges WHERE id = 777.0",
        "SELECT * FROM ranges WHERE kind = 'k15' COLLATE nocase",
        "SELECT * FROM ranges WHERE maybe = NULL",
        "SELECT * FROM ranges WHERE id IN (777, NULL)",
        "SELECT * FROM ranges WHERE maybe IS NOT DISTINCT FROM NULL",
        'SELECT * FROM ranges WHERE "order" = 15',  # a column named like a keyword
        'SELECT * FROM ranges WHERE "id" = 777',
        "SELECT * FROM ranges WHERE ranges.id = 777",
        "SELECT * FROM ranges r WHERE r.id = 777",
        "SELECT * FROM ranges WHERE ID = 777",
        "SELECT * FROM ranges AS r(x) WHERE x = 777",
        "SELECT * FROM ranges WHERE ts = TIMESTAMPTZ '2024-05-01 15:00:00+00'",
        "SELECT * FROM ranges WHERE ts >= '2024-05-01 18:00:00'",
        "SELECT * FROM ranges WHERE amount > 19",
        "SELECT * FROM ranges WHERE day = '2024-05-04'",  # a string for a date column
        "SELECT * FROM ranges WHERE day = DATE '2024-5-4'",
        "SELECT * FROM ranges WHERE day = TIMESTAMP '2024-05-04 00:00:00'",
        "SELECT * FROM ranges WHERE day = TRY_CAST('2024-05-04' AS DATE)",
        "SELECT * FROM ranges WHERE seen >= '2024-05-01 18:00:00'",
        "SELECT * FROM ranges WHERE seen = DATE '2024-05-01'",
        "SELECT * FROM ranges WHERE seen >= TIMESTAMPTZ '2024-05-01 18:00:00+00'",
        "SELECT * FROM ranges WHERE ts >= TIMESTAMP '2024-05-01 18:00:00'",
        "SELECT * FROM ranges WHERE amount = 'NaN'::DOUBLE",
        "SELECT a.id FROM ranges a JOIN ranges b ON a.id = b.id + 1 WHERE a.id = 777",
        "SELECT * FROM ranges WHERE id = 777 AND id IN (SELECT id FROM ranges WHERE id > 5)",
        "SELECT (SELECT count(*) FROM ranges) AS n, id FROM ranges WHERE id = 777",
        "WITH ranges AS (SELECT 1 AS id) SELECT * FROM ranges WHERE id = 1",
        "WITH r AS (SELECT * FROM ranges) SELECT * FROM r WHERE id = 777",
        "SELECT * FROM (SELECT * FROM ranges) WHERE id = 777",
        "SELECT * FROM ranges WHERE id = 777 UNION ALL SELECT * FROM ranges WHERE id = 3",
        "SELECT id AS kind FROM ranges WHERE kind = 'k15'",
        "SELECT * FROM query_table('ranges') WHERE id = 777",
        "SELECT count(*) AS n FROM ranges WHERE id = 777 USING SAMPLE 100% (bernoulli)",
        "SELECT count(*) AS n FROM ranges TABLESAMPLE 100% (bernoulli) WHERE id = 777",
    ],
)
def test_what_pruning_cannot_be_sure_of_reads_every_file(ranges: None, sql: str) -> None:
    got, files, left_out = pruned(sql)
    assert got == unpruned(sql)
    if sql.startswith("WITH ranges"):  # the CTE hides the table: it is not read at all
        assert (files, left_out) == (None, None)
    else:
        assert (files, left_out) == (FILES, 0)


def test_pruning_as_of_an_earlier_snapshot(run: Run, ranges: None) -> None:
    history = run("table", "history", database_name="lake", table_name="ranges").data
    fifth = str(history[4].snapshot_id)  # files 0-4
    sql = "SELECT * FROM ranges WHERE id >= 200"
    got, files, left_out = pruned(sql, as_of=fifth)
    assert got == unpruned(sql, fifth) and len(got) == ROWS
    assert (files, left_out) == (1, 4)


def test_a_renamed_column_prunes_through_pyicebergs_read(
    run: Run, own_ranges: None, tmp_path: Path
) -> None:
    """After a rename DuckDB cannot read the files by name, so pyiceberg reads
    the pruned files (matching columns by field id); the old name as of an
    older snapshot is not pruned by (the filter binds to the current schema)."""
    before = run("table", "get", database_name="lake", table_name="ranges").data[0]
    old = str(before.format_metadata.current_snapshot.snapshot_id)
    run(
        "table",
        "evolve",
        database_name="lake",
        table_name="ranges",
        rename_columns="id:ident",
    )
    extra = write_parquet(
        tmp_path / "late" / "x.parquet",
        [{"ident": 5000, "kind": "late", "flag": True, "maybe": 1, "amount": 1.0, "order": 1}],
    )
    run("table", "write", database_name="lake", table_name="ranges", input_path=str(extra))
    executed, _ = job("SELECT ident, kind FROM ranges WHERE ident IN (777, 5000)")
    assert sorted((r["ident"], r["kind"]) for r in executed.preview) == [
        (777, "k15"),
        (5000, "late"),
    ]
    assert executed.metrics["iceberg_files_planned"] == 2
    assert executed.metrics["iceberg_files_pruned"] == FILES - 1
    sql = "SELECT id, kind FROM ranges WHERE id = 777"
    got, files, left_out = pruned(sql, as_of=old)
    assert got == unpruned(sql, old)
    assert (files, left_out) == (FILES, 0)


COLUMNS = {
    "id": st.integers(-10, FILES * ROWS + 10),
    "maybe": st.integers(-1, FILES + 1),
    "kind": st.integers(-1, FILES + 1).map(lambda n: f"'k{n:02d}'"),
    "flag": st.booleans().map(lambda b: "true" if b else "false"),
    '"order"': st.integers(-1, FILES + 1),
    "amount": st.integers(-1, FILES + 6),
    "day": st.integers(-1, FILES + 1).map(
        lambda n: f"DATE '{(START + timedelta(days=n)).date().isoformat()}'"
    ),
    "seen": st.integers(-3600, (FILES + 1) * 3600).map(
        lambda s: f"TIMESTAMP '{(START + timedelta(seconds=s)).strftime('%Y-%m-%d %H:%M:%S')}'"
    ),
}


@st.composite
def atoms(draw: st.DrawFn) -> str:
    # mostly columns pruning may use, so most examples prune something
    column = draw(st.sampled_from(["id", "id", "kind", "maybe", "day", "seen", *sorted(COLUMNS)]))
    value = COLUMNS[column]
    shape = draw(
        st.sampled_from(["cmp", "cmp", "cmp", "in", "between", "null", "not null", "not", "or"])
    )
    if shape == "cmp":
        op = draw(st.sampled_from(["=", "<", "<=", ">", ">=", "<>"]))
        if draw(st.booleans()):
            return f"{draw(value)} {op} {column}"
        return f"{column} {op} {draw(value)}"
    if shape == "in":
        items = draw(st.lists(value, min_size=1, max_size=4))
        return f"{column} IN ({', '.join(map(str, items))})"
    if shape == "between":
        return f"{column} BETWEEN {draw(value)} AND {draw(value)}"
    if shape in ("null", "not null"):
        return f"{column} IS {'NOT ' if shape == 'not null' else ''}NULL"
    if shape == "not":
        return f"NOT ({column} = {draw(value)})"
    return f"({column} = {draw(value)} OR {column} > {draw(value)})"


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(conjuncts=st.lists(atoms(), min_size=1, max_size=3))
def test_random_predicates_prune_only_files_that_cannot_match(
    ranges: None, conjuncts: list[str]
) -> None:
    """The table is only read, so one table serves every example."""
    sql = f"SELECT id, kind, maybe, amount, day, seen FROM ranges WHERE {' AND '.join(conjuncts)}"
    got, files, left_out = pruned(sql)
    assert got == unpruned(sql), sql
    assert files + left_out == FILES


def test_only_primitive_columns_of_one_field_id_and_literals_of_their_type_are_used() -> None:
    """``row_filter`` itself, on pyiceberg schemas: what it refuses prunes nothing."""
    from mason_local.iceberg.pruning import Comparison, QueryFilter, row_filter
    from pyiceberg.schema import Schema
    from pyiceberg.types import IntegerType, LongType, NestedField, StringType, StructType

    nested = StructType(NestedField(10, "x", LongType(), required=False))
    schema = Schema(
        NestedField(1, "small", IntegerType(), required=False),
        NestedField(2, "name", StringType(), required=False),
        NestedField(3, "point", nested, required=False),
        NestedField(4, "Name", StringType(), required=False),
        NestedField(5, "code", StringType(), required=False),
    )
    renamed = Schema(
        NestedField(1, "small", IntegerType(), required=False),
        NestedField(9, "code", StringType(), required=False),  # another column now
    )

    def used(comparison: Comparison, current: Schema = schema) -> bool:
        where = QueryFilter(schema="", table="t", comparisons=(comparison,))
        return row_filter(where, schema, current) is not None

    assert used(Comparison("small", "=", (2**31 - 1,)))
    assert not used(Comparison("small", "=", (2**31,)))  # past an int column's range
    assert not used(Comparison("small", "=", ("7",)))
    assert not used(Comparison("small", "in", (1, True)))
    assert not used(Comparison("point", "is_null"))  # a struct
    assert not used(Comparison("name", "=", ("a",)))  # "Name" too: which one DuckDB binds
    assert not used(Comparison("code", "=", ("a",)), renamed)  # field 5 read, 9 current
    assert used(Comparison("code", "=", ("a",)))
    assert not used(Comparison("absent", "=", (1,)))


def test_a_partitioned_table_prunes_by_its_partition_values(run: Run, sales_csv: Any) -> None:
    """Hive-partitioned CSV copied into a table partitioned by region: a query
    on one region plans that partition's files only."""
    run(
        "table",
        "infer",
        storage_path=str(sales_csv.path),
        database_name="lake",
        format="iceberg",
    )
    files = plan("sales").tasks
    executed, _ = job("SELECT order_id FROM sales WHERE region = 'us'")
    assert sorted(r["order_id"] for r in executed.preview) == sorted(
        r["order_id"] for r in sales_csv.rows if r["region"] == "us"
    )
    planned = executed.metrics["iceberg_files_planned"]
    assert planned == sum(1 for t in files if "region=us" in t.path)
    assert executed.metrics["iceberg_files_pruned"] == len(files) - planned > 0
