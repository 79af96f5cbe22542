"""Spark writes the local client's Iceberg tables and Mason reads Spark's
commits: Iceberg's ``JdbcCatalog`` (through Debian's SQLite JDBC driver) on
the very SQLite file pyiceberg's SQL catalog keeps in MASON_HOME. Real pyspark
3.5 with the Iceberg runtime, real SQLite, real DuckDB reads; nothing mocked.

Not tested, because it fails: a pyiceberg (Mason) commit to that catalog
while this Spark session lives. Iceberg's JDBC connection pool keeps a read
transaction open on SQLite, so the commit meets "database is locked" (see
docs/spark.md#iceberg-tables). Each test has its own MASON_HOME, so that
lock never reaches another test's catalog.
"""

from __future__ import annotations

from pathlib import Path

from mason_spark.config import LocalRunner
from mason_spark.iceberg import jdbc_catalog_conf, sqlite_jdbc_jar
from mason_spark.runners.local import local_session

from .test_spark_reads_iceberg import events_table, ok, rows


def test_a_table_spark_appends_to_is_read_by_duckdb_and_pyiceberg(
    tmp_path: Path, spark_config: str, mason_home: Path
) -> None:
    assert sqlite_jdbc_jar() is not None, "nox -s spark-iceberg installs the driver"
    written = events_table(tmp_path)
    assert rows("SELECT count(*) AS n FROM events", spark_config) == [{"n": len(written)}]
    spark = local_session(LocalRunner())  # the session Mason's job just used
    local = mason_home / "clients" / "local"
    for key, value in jdbc_catalog_conf(
        str(local / "iceberg.sqlite"), (local / "warehouse").as_uri()
    ).items():
        spark.conf.set(key, value)
    spark.sql("INSERT INTO mason.lake.events VALUES (100, 'buy', 2.5), (101, 'buy', 4.0)")

    # DuckDB on the local client reads Spark's snapshot ...
    assert rows(
        "SELECT kind, count(*) AS n, sum(value) AS v FROM events WHERE kind = 'buy' GROUP BY kind"
    ) == [{"kind": "buy", "n": 2, "v": 6.5}]
    history = ok("table", "history", database_name="lake", table_name="events").data
    assert len(history) == 2 and history[-1].current and history[-1].operation == "append"
    assert history[-1].summary["added-records"] == "2"
    # ... so do pyiceberg, and Spark through Mason's query job
    from pyiceberg.catalog.sql import SqlCatalog

    catalog = SqlCatalog(
        "mason",
        uri=f"sqlite:///{local / 'iceberg.sqlite'}",
        warehouse=(local / "warehouse").as_uri(),
    )
    assert len(catalog.load_table(("lake", "events")).scan().to_arrow()) == len(written) + 2
    assert rows("SELECT count(*) AS n FROM events", spark_config) == [{"n": len(written) + 2}]
