"""Iceberg on the local default: 100 appends, ``table compact``, and a query
before and after, side by side with the same work done directly in pyiceberg
(appends) and pyiceberg + DuckDB (queries).

Appends: ``table write`` of each batch (a parquet file) into a Mason table,
against ``Table.append(pq.read_table(batch))`` into a table of pyiceberg's own
SQL catalog, kept loaded across appends (the target's baseline); a second
pyiceberg table that is reloaded before each append, as Mason must, is
printed beside it (see :func:`appends`).

A point query on one event id (the batches' ids are disjoint, so the
query's WHERE prunes every data file but one) against pyiceberg reading
every file and DuckDB filtering; no target, the figures show what pruning
saves.

Queries: ``table query`` against pyiceberg's ``scan().to_arrow()``
handed to DuckDB, both reading the same (Mason's) table, before and after
``table compact``. Targets: appends and queries within 1.2x of the direct
work. Compaction has no pyiceberg counterpart (pyiceberg cannot compact); its
files and bytes before and after are printed.

    python bench/bench_iceberg.py                 # 100 batches of 20,000 rows
    python bench/bench_iceberg.py --batches 20    # a quick try
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import DATA, median_seconds, print_comparison, print_table, scratch_home

TARGET = 1.2
QUERY = "SELECT kind, count(*) AS n, sum(value) AS total FROM events GROUP BY kind ORDER BY kind"
#: one row of one batch: the batches' event ids are disjoint, so the WHERE
#: prunes every file but one (docs/table-formats.md, reading Iceberg tables)
POINT = "SELECT * FROM events WHERE event_id = {id}"


def write_batches(folder: Path, batches: int, rows: int) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b in range(batches + 1):
        start = b * rows
        table = pa.table(
            {
                "event_id": pa.array(range(start, start + rows), pa.int64()),
                "kind": pa.array([("click", "view", "buy")[i % 3] for i in range(rows)]),
                "value": pa.array([float(i % 100) for i in range(rows)], pa.float64()),
            }
        )
        path = folder / f"batch-{b:03d}" / "part.parquet"
        path.parent.mkdir()
        pq.write_table(table, path)
        paths.append(path)
    return paths


def ok(response: Any) -> Any:
    if not response.ok:
        raise SystemExit(f"mason failed: {response.errors}")
    return response


def appends(paths: list[Path], scratch: Path) -> dict[str, list[float]]:
    """Seconds per append of each batch after the first, taken in turns (one
    pyiceberg append kept, one pyiceberg append reloading, one ``table write``)
    so that a busy machine slows all three alike.

    The first batch seeds each table (pyiceberg: ``add_files``; Mason:
    ``table infer``). pyiceberg "kept" is the issue's baseline: one catalog and
    one loaded table for all appends, each ``table.append(pq.read_table(b))``.
    "reload" also loads the table before each append, which is what a writer
    must do when another process may have committed since (Mason's
    ``table write`` does: each run loads the table from the catalog, while
    the opened catalog itself is kept per process)."""
    import pyarrow.parquet as pq
    from pyiceberg.catalog.sql import SqlCatalog

    import mason

    (scratch / "direct").mkdir()
    catalog = SqlCatalog(
        "direct",
        uri=f"sqlite:///{scratch / 'direct' / 'catalog.sqlite'}",
        warehouse=(scratch / "direct").as_uri(),
    )
    catalog.create_namespace("lake")
    schema = pq.read_table(paths[0]).schema
    kept = catalog.create_table(("lake", "kept"), schema=schema)
    kept.add_files([str(paths[0])])
    catalog.create_table(("lake", "reload"), schema=schema).add_files([str(paths[0])])
    ok(
        mason.run(
            "table",
            "infer",
            storage_path=str(paths[0].parent),
            database_name="lake",
            table_name="events",
            format="iceberg",
        )
    )
    times: dict[str, list[float]] = {"kept": [], "reload": [], "mason": []}
    for path in paths[1:]:
        start = time.perf_counter()
        kept.append(pq.read_table(path))
        times["kept"].append(time.perf_counter() - start)

        start = time.perf_counter()
        catalog.load_table(("lake", "reload")).append(pq.read_table(path))
        times["reload"].append(time.perf_counter() - start)

        start = time.perf_counter()
        ok(
            mason.run(
                "table", "write", database_name="lake", table_name="events", input_path=str(path)
            )
        )
        times["mason"].append(time.perf_counter() - start)
    return times


def mason_catalog() -> Any:
    """pyiceberg's catalog over the Mason table, as the local client opens it."""
    import os

    from mason_local.config import LocalClientConfig
    from mason_local.iceberg.tables import IcebergTables
    from mason_local.metastore import catalog_path

    home = Path(os.environ["MASON_HOME"])
    config = LocalClientConfig()
    return IcebergTables.of(config, home, catalog_path(config, home)).catalog


def mason_query() -> list[Any]:
    import mason

    job = ok(mason.run("table", "query", database_name="lake", query_string=QUERY)).data[0]
    return list(job.preview)


def direct_query() -> list[Any]:
    import duckdb

    events = mason_catalog().load_table(("lake", "events")).scan().to_arrow()
    con = duckdb.connect()
    con.register("events", events)
    rows = con.sql(QUERY).fetchall()
    con.close()
    return rows


def mason_point(event_id: int) -> Any:
    import mason

    sql = POINT.format(id=event_id)
    return ok(mason.run("table", "query", database_name="lake", query_string=sql)).data[0]


def direct_point(event_id: int) -> list[Any]:
    """The point query over every file of the snapshot: pyiceberg's scan
    without a row filter, handed to DuckDB (the read before pruning)."""
    import duckdb

    events = mason_catalog().load_table(("lake", "events")).scan().to_arrow()
    con = duckdb.connect()
    con.register("events", events)
    rows = con.sql(POINT.format(id=event_id)).fetchall()
    con.close()
    return rows


def files_and_bytes() -> tuple[int, int]:
    table = mason_catalog().load_table(("lake", "events"))
    tasks = list(table.scan().plan_files())
    return len(tasks), sum(t.file.file_size_in_bytes for t in tasks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--batches", type=int, default=100, help="appends (100)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per batch (20000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (5)")
    args = parser.parse_args()

    DATA.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="iceberg-", dir=DATA))
    missed = False
    try:
        paths = write_batches(scratch / "batches", args.batches, args.rows)
        with scratch_home():
            timed = appends(paths, scratch)
            direct, reload, appended = timed["kept"], timed["reload"], timed["mason"]
            print_comparison(
                f"{args.batches} appends of {args.rows} rows (seconds per append)",
                "pyiceberg",
                ("pyiceberg Table.append", statistics.median(direct), min(direct)),
                ("mason table write", statistics.median(appended), min(appended)),
                target=TARGET,
            )
            print_comparison(
                "the same, against pyiceberg reloading the table before each append",
                "reload",
                ("pyiceberg load + append", statistics.median(reload), min(reload)),
                ("mason table write", statistics.median(appended), min(appended)),
            )
            print(
                f"  totals: pyiceberg {sum(direct):.2f} s (reloading {sum(reload):.2f} s), "
                f"mason {sum(appended):.2f} s"
            )
            missed |= statistics.median(appended) / statistics.median(direct) > TARGET

            point = args.rows * (args.batches // 2) + 7
            job = mason_point(point)
            if job.row_count != 1 or len(direct_point(point)) != 1:
                raise SystemExit("the point query did not find its one row")
            print_comparison(
                f"point query ({POINT.format(id=point)}): mason read "
                f"{job.metrics.get('iceberg_files_planned')} file(s), pruned "
                f"{job.metrics.get('iceberg_files_pruned')}",
                "every file",
                (
                    "pyiceberg scan + DuckDB",
                    *median_seconds(lambda: direct_point(point), args.runs),
                ),
                ("mason table query", *median_seconds(lambda: mason_point(point), args.runs)),
            )

            results = []
            figures = []
            for when in ("before", "after"):
                if when == "after":
                    start = time.perf_counter()
                    report = ok(
                        __import__("mason").run(
                            "table", "compact", database_name="lake", table_name="events"
                        )
                    ).data[0]
                    compact_seconds = time.perf_counter() - start
                files, size = files_and_bytes()
                figures.append((when, files, size))
                raw = median_seconds(direct_query, args.runs)
                ours = median_seconds(mason_query, args.runs)
                results.append(mason_query())
                print_comparison(
                    f"query {when} compaction ({files} files, {size / 2**20:.1f} MiB)",
                    "pyiceberg+DuckDB",
                    ("pyiceberg scan + DuckDB", *raw),
                    ("mason table query", *ours),
                    target=TARGET,
                )
                missed |= ours[0] / raw[0] > TARGET
            if results[0] != results[1]:
                raise SystemExit("compaction changed the query's result")
            print_table(
                f"table compact: {compact_seconds:.2f} s, "
                f"{report.files_rewritten} files rewritten into {report.files_added}",
                ["", "data files", "MiB"],
                [[w, f, round(s / 2**20, 2)] for w, f, s in figures],
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
