"""Spark reads the local client's Iceberg tables: ``table query`` with
``execution_engine: spark`` and ``metastore_engine: local``, now and as of a
snapshot, and tables committed by pyiceberg directly (outside Mason) in the
same SQLite catalog. Real pyspark 3.5 in local mode, the real Iceberg Spark
runtime jar, real pyiceberg commits; nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import mason


def ok(namespace: str, command: str, **params: Any) -> mason.Response:
    response = mason.run(namespace, command, **params)
    assert response.ok and response.exit_code == 0, response.errors
    return response


def rows(sql: str, config: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """``sql``'s preview rows on ``config`` (else the built-in local default,
    DuckDB: saving ``sparky`` made it current)."""
    job = ok(
        "table",
        "query",
        query_string=sql,
        database_name="lake",
        config_id=config or "default",
        **params,
    ).data[0]
    assert job.client == ("spark" if config else "local")
    return list(job.preview)


def events_table(tmp_path: Path) -> list[dict[str, Any]]:
    """``lake.events``: two parquet files adopted by ``table infer -p format:iceberg``."""
    folder = tmp_path / "data" / "events"
    folder.mkdir(parents=True)
    written: list[dict[str, Any]] = []
    for part in range(2):
        chunk = [
            {"event_id": part * 10 + i, "kind": ("click", "view")[i % 2], "value": i * 0.5}
            for i in range(4)
        ]
        pq.write_table(pa.Table.from_pylist(chunk), folder / f"part-{part}.parquet")
        written.extend(chunk)
    ok("table", "infer", storage_path=str(folder), database_name="lake", format="iceberg")
    return written


def append(tmp_path: Path, name: str, chunk: list[dict[str, Any]]) -> None:
    path = tmp_path / "more" / f"{name}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(chunk), path)
    ok("table", "write", database_name="lake", table_name="events", input_path=str(path))


def test_spark_queries_a_mason_iceberg_table_as_duckdb_does(
    tmp_path: Path, spark_config: str
) -> None:
    written = events_table(tmp_path)
    sql = (
        "SELECT kind, count(*) AS n, sum(value) AS total FROM lake.events "
        "GROUP BY kind ORDER BY kind"
    )
    on_spark = rows(sql, spark_config)
    on_duckdb = rows(sql)
    assert on_spark == on_duckdb
    assert {r["kind"]: r["n"] for r in on_spark} == {"click": 4, "view": 4}
    assert sum(r["total"] for r in on_spark) == sum(r["value"] for r in written)


def test_spark_reads_as_of_a_snapshot_id_and_a_timestamp(tmp_path: Path, spark_config: str) -> None:
    written = events_table(tmp_path)
    history = ok("table", "history", database_name="lake", table_name="events").data
    first = history[-1].snapshot_id
    time.sleep(0.05)
    between = datetime.now(timezone.utc).isoformat()
    time.sleep(0.05)
    append(tmp_path, "x", [{"event_id": 99, "kind": "buy", "value": 1.0}])
    sql = "SELECT count(*) AS n FROM events"
    assert rows(sql, spark_config) == [{"n": len(written) + 1}]
    assert rows(sql, spark_config, as_of=str(first)) == [{"n": len(written)}]
    assert rows(sql, spark_config, as_of=between) == [{"n": len(written)}]


def test_spark_reads_a_table_pyiceberg_committed_outside_mason(
    tmp_path: Path, spark_config: str, mason_home: Path
) -> None:
    """Interop: pyiceberg, pointed at the SQLite catalog in MASON_HOME, creates
    and appends to a table; Mason lists it and Spark reads pyiceberg's rows,
    including a renamed column (Iceberg matches columns by field id)."""
    from pyiceberg.catalog.sql import SqlCatalog

    events_table(tmp_path)  # the database lake, which Mason's catalog lists tables of

    catalog_file = mason_home / "clients" / "local" / "iceberg.sqlite"
    catalog_file.parent.mkdir(parents=True, exist_ok=True)
    warehouse = mason_home / "clients" / "local" / "warehouse"
    warehouse.mkdir(parents=True, exist_ok=True)
    catalog = SqlCatalog("mason", uri=f"sqlite:///{catalog_file}", warehouse=warehouse.as_uri())
    catalog.create_namespace_if_not_exists("lake")
    data = pa.Table.from_pylist([{"id": i, "city": f"c{i % 3}"} for i in range(30)])
    table = catalog.create_table(("lake", "visits"), schema=data.schema)
    table.append(data)
    with table.update_schema() as update:
        update.rename_column("city", "town")
    table = catalog.load_table(("lake", "visits"))
    table.append(pa.Table.from_pylist([{"id": 100, "town": "c9"}]).cast(table.schema().as_arrow()))
    got = rows("SELECT town, count(*) AS n FROM visits GROUP BY town ORDER BY town", spark_config)
    assert got == [
        {"town": "c0", "n": 10},
        {"town": "c1", "n": 10},
        {"town": "c2", "n": 10},
        {"town": "c9", "n": 1},
    ]


def test_a_spark_query_result_is_committed_to_an_iceberg_table(
    tmp_path: Path, spark_config: str
) -> None:
    """``table write`` from a query on Spark: Spark computes the rows from the
    Iceberg table, the metastore commits them (pyiceberg), and DuckDB reads
    the new table back on the local client."""
    events_table(tmp_path)
    ok(
        "table",
        "write",
        database_name="lake",
        table_name="by_kind",
        create=True,
        query_string="SELECT kind, count(*) AS n FROM events GROUP BY kind",
        config_id=spark_config,
    )
    assert rows("SELECT kind, n FROM by_kind ORDER BY kind") == [
        {"kind": "click", "n": 4},
        {"kind": "view", "n": 4},
    ]
    assert rows("SELECT sum(n) AS n FROM by_kind", spark_config) == [{"n": 8}]


def test_the_cli_queries_an_iceberg_table_on_spark(tmp_path: Path, spark_config: str) -> None:
    events_table(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mason",
            "op",
            "table",
            "query",
            "-p",
            "database_name:lake,query_string:SELECT count(*) AS n FROM events",
            "-c",
            spark_config,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert '"n": 8' in done.stdout


def test_a_remote_runner_refuses_iceberg_before_running(tmp_path: Path, mason_home: Path) -> None:
    """The standalone runner's driver gets no Iceberg runtime jar: the query is
    refused before anything is submitted (no cluster listens on the port)."""
    import yaml

    from mason_core.jobrecords import JobStore
    from mason_core.runtime import default_session

    events_table(tmp_path)
    path = tmp_path / "standalone.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "cluster",
                "metastore_engine": "local",
                "storage_engine": "local",
                "execution_engine": "spark",
                "clients": {
                    "spark": {
                        "configuration": {
                            "runner": {"type": "standalone", "master": "spark://127.0.0.1:9"}
                        }
                    }
                },
            }
        )
    )
    store = default_session().configs
    store.save(store.read_file(path))
    response = mason.run(
        "table",
        "query",
        query_string="SELECT * FROM events",
        database_name="lake",
        config_id="cluster",
    )
    assert response.exit_code == 2
    assert response.errors == [
        "execution client 'spark' cannot read iceberg table lake.events: the standalone runner "
        "does not ship the Iceberg Spark runtime to its driver; only the local runner reads "
        "Iceberg tables"
    ]
    assert JobStore(mason_home, "spark").list() == []


def test_as_of_on_a_query_reading_no_iceberg_table_is_refused(
    tmp_path: Path, spark_config: str, mason_home: Path
) -> None:
    from mason_core.jobrecords import JobStore

    folder = tmp_path / "plain"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist([{"id": 1}]), folder / "p.parquet")
    ok("table", "infer", storage_path=str(folder), database_name="lake", table_name="plain")
    response = mason.run(
        "table",
        "query",
        query_string="SELECT * FROM plain",
        database_name="lake",
        as_of="1",
        config_id=spark_config,
    )
    assert response.exit_code == 2
    assert response.errors == [
        "as_of reads Iceberg tables as of a snapshot; the query reads none (plain)"
    ]
    assert JobStore(mason_home, "spark").list() == []
