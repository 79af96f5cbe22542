"""``table query`` on Spark with database-qualified and unqualified table names,
checked against the local DuckDB engine (where the database is a schema), and
the token-level rewrite that maps ``database.table`` onto Spark's temporary views."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from mason_spark.jobs.qualified import mentioned, qualify_views, view_names

import mason
from mason_core.models import Table
from tests.spark.conftest import Dataset, Run

# -- the rewrite --------------------------------------------------------------------------

VIEWS = view_names(
    [Table(name="sales", database="shop"), Table(name="Items", database="stock")], "shop"
)


def test_views_of_the_jobs_database_keep_their_table_names() -> None:
    assert VIEWS == {("shop", "sales"): "sales", ("stock", "items"): "mason__stock__Items"}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM shop.sales", "SELECT * FROM `sales`"),
        ("select * from SHOP . `Sales` s", "select * from `sales` s"),
        ("SELECT shop.sales.amount FROM shop.sales", "SELECT `sales`.amount FROM `sales`"),
        ("SELECT 1 FROM `shop`.`sales`, stock.items",
         "SELECT 1 FROM `sales`, `mason__stock__Items`"),
    ],
)  # fmt: skip
def test_database_qualified_names_become_views(sql: str, expected: str) -> None:
    assert qualify_views(sql, VIEWS) == expected


@pytest.mark.parametrize(
    ("sql", "bound"),
    [
        ("SELECT * FROM sales", ["sales"]),
        ("SELECT * FROM shop.sales JOIN `Items` USING (id)", ["sales", "Items"]),
        ("SELECT 'items' FROM sales -- items", ["sales"]),
        ("SELECT 1", []),
    ],
)
def test_a_query_binds_only_the_tables_it_names(sql: str, bound: list[str]) -> None:
    tables = [Table(name="sales", database="shop"), Table(name="Items", database="shop")]
    assert [t.name for t in mentioned(tables, sql)] == bound


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM sales",
        "SELECT * FROM other.sales",
        "SELECT t.shop.sales FROM t",
        "SELECT 'shop.sales', \"shop.sales\" FROM x",
        "SELECT 'it''s', 'a\\'shop.sales' FROM x",
        "SELECT 1 -- FROM shop.sales\n",
        "SELECT /* shop.sales /* nested */ shop.sales */ 1",
        "SELECT `shop.sales` FROM x",
        "SELECT 1.5e3, x.1e5 FROM t",
    ],
)
def test_other_names_literals_and_comments_are_left_alone(sql: str) -> None:
    assert qualify_views(sql, VIEWS) == sql


# -- the same queries on Spark and on DuckDB ----------------------------------------------


@pytest.fixture
def customers_csv(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "customers"
    root.mkdir(parents=True)
    with (root / "customers.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["customer", "city"])
        writer.writerows([(f"c{i}", ("Lyon", "Oslo", "Lima")[i % 3]) for i in range(7)])
    return root


def normal(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, Any], ...]]:
    """Rows as sorted (column, value) pairs with numbers as rounded floats, so
    the two engines' integer widths and summation orders do not matter."""

    def value(v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return round(float(v), 6)
        return v

    return sorted((tuple(sorted((k, value(v)) for k, v in r.items())) for r in rows), key=repr)


QUERIES = {
    "unqualified": (
        "SELECT customer, count(*) AS n, sum(amount) AS total FROM sales "
        "WHERE channel = 'web' GROUP BY customer"
    ),
    "qualified": (
        "SELECT customer, count(*) AS n, sum(amount) AS total FROM shop.sales "
        "WHERE channel = 'web' GROUP BY customer"
    ),
    "qualified columns and a join": (
        "SELECT c.city, count(*) AS n, max(shop.sales.amount) AS top "
        "FROM shop.sales JOIN shop.customers AS c ON c.customer = shop.sales.customer "
        "GROUP BY c.city;"
    ),
    "both forms in one query": (
        "SELECT s.day, count(*) AS n FROM sales AS s "
        "WHERE s.customer IN (SELECT customer FROM `shop`.`customers` WHERE city = 'Oslo') "
        "GROUP BY s.day"
    ),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_same_query_gives_the_same_rows_on_spark_and_duckdb(
    run: Run,
    spark_config: str,
    local_config: str,
    orders_csv: Dataset,
    customers_csv: Path,
    name: str,
) -> None:
    for table, path in (("sales", orders_csv.path), ("customers", customers_csv)):
        run("table", "infer", config_id=local_config, storage_path=str(path),
            database_name="shop", table_name=table)  # fmt: skip

    results = {}
    for config_id in (spark_config, local_config):
        job = run(
            "table", "query", config_id=config_id, database_name="shop",
            query_string=QUERIES[name],
        ).data[0]  # fmt: skip
        results[config_id] = job

    spark, duck = results[spark_config], results[local_config]
    assert spark.client == "spark" and duck.client == "local"
    assert spark.row_count == duck.row_count == len(duck.preview) > 0
    assert normal(spark.preview) == normal(duck.preview)
    assert [c.name for c in spark.columns] == [c.name for c in duck.columns]


def test_qualified_query_output_matches_duckdb(
    run: Run, spark_config: str, local_config: str, orders_csv: Dataset, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    run("table", "infer", config_id=local_config, storage_path=str(orders_csv.path),
        database_name="shop", table_name="sales")  # fmt: skip
    query = "SELECT * FROM shop.sales WHERE amount > 10"
    expected = [r for r in orders_csv.rows if r["amount"] is not None and r["amount"] > 10]

    outputs = {}
    for config_id in (spark_config, local_config):
        out = tmp_path / f"big_{config_id}.parquet"
        job = run(
            "table", "query", config_id=config_id, database_name="shop",
            query_string=query, output_path=str(out),
        ).data[0]  # fmt: skip
        assert job.row_count == len(expected)
        outputs[config_id] = pq.read_table(out).to_pylist()

    assert normal(outputs[spark_config]) == normal(outputs[local_config]) == normal(expected)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("SELECT no_such_column FROM sales", "no_such_column"),
        ("SELECT * FROM shop.missing", "missing"),
    ],
)
def test_query_errors_are_one_line_naming_what_is_wrong(
    run: Run, spark_config: str, orders_csv: Dataset, query: str, named: str
) -> None:
    run("table", "infer", config_id=spark_config, storage_path=str(orders_csv.path),
        database_name="shop", table_name="sales")  # fmt: skip

    response = mason.run(
        "table", "query", config_id=spark_config, database_name="shop", query_string=query
    )

    assert response.exit_code == 1
    assert named in response.errors[0]
    assert "\n" not in response.errors[0]


def test_a_vanished_table_fails_only_queries_that_read_it(
    run: Run, spark_config: str, orders_csv: Dataset, customers_csv: Path
) -> None:
    for table, path in (("sales", orders_csv.path), ("customers", customers_csv)):
        run("table", "infer", config_id=spark_config, storage_path=str(path),
            database_name="shop", table_name=table)  # fmt: skip
    for file in sorted(customers_csv.rglob("*"), reverse=True):
        file.unlink() if file.is_file() else file.rmdir()
    customers_csv.rmdir()

    ok = run("table", "query", config_id=spark_config, database_name="shop",
             query_string="SELECT count(*) AS n FROM sales")  # fmt: skip
    assert ok.data[0].preview == [{"n": len(orders_csv.rows)}]
    broken = mason.run("table", "query", config_id=spark_config, database_name="shop",
                       query_string="SELECT * FROM customers")  # fmt: skip
    assert broken.exit_code == 1 and "customers" in broken.errors[0]
