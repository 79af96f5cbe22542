"""Many small files and one wide file: ``table query`` (``SELECT count(*)``)
and ``table merge`` of a folder of 200,000 one-row parquet files, each beside
raw DuckDB reading the same files directly; and ``table summarize`` of a
10,000-column, 2-row parquet file.

Each figure comes from a fresh interpreter (``--child``) that reports its own
wall time and peak RSS. The inputs are generated once and cached under
``bench/.data`` (the 200,000 files take a minute or two the first time).
Exits 1 when a Mason figure reaches 1 GiB peak RSS or more than twice raw
DuckDB's wall time.

    python bench/bench_small_files.py                    # 200,000 files, 10,000 columns
    python bench/bench_small_files.py --files 20000 --columns 2000   # a quick try
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import DATA, cached_file, child_result, print_table, ratio

RSS_LIMIT = 1 << 30
#: issue 19's target: Mason within this factor of raw DuckDB's wall time
TARGET = 2.0


def small_files(count: int) -> Path:
    """A folder of ``count`` one-row parquet files, generated once and cached."""
    root = DATA / f"small_files_{count}"
    if root.is_dir():
        return root
    import pyarrow as pa
    import pyarrow.parquet as pq

    DATA.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="small-", dir=DATA))
    print(f"generating {count:,} one-row parquet files ...", flush=True)
    for i in range(count):
        row = pa.table({"id": [i], "name": [f"n{i}"], "amount": [i / 100.0]})
        pq.write_table(row, staging / f"part-{i:07d}.parquet")
    staging.rename(root)
    return root


def wide_file(columns: int) -> Path:
    """One 2-row parquet file of ``columns`` columns (integers and text), cached."""

    def write(tmp: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = {f"c{i:05d}": ([i, i + 1] if i % 2 else [f"a{i}", f"b{i}"]) for i in range(columns)}
        pq.write_table(pa.table(data), tmp)

    return cached_file(DATA / f"wide_{columns}" / "wide.parquet", write)


# -- children: each measures itself --------------------------------------------------


def _mason_ok(response: Any, what: str) -> Any:
    if not response.ok:
        raise SystemExit(f"{what} failed: {response.errors}")
    return response.data[0]


def child(kind: str, source: Path, output: Path) -> dict[str, Any]:
    """Run one measured step; MASON_HOME already holds table ``bench.t`` when
    the step needs it."""
    import duckdb

    import mason

    glob = f"'{source}/*.parquet'"
    start = time.perf_counter()
    if kind == "raw-query":
        rows = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet({glob})").fetchone()
        result = {"rows": int(rows[0]) if rows else 0}
    elif kind == "raw-merge":
        copied = (
            duckdb.connect()
            .execute(f"COPY (SELECT * FROM read_parquet({glob})) TO '{output}' (FORMAT parquet)")
            .fetchone()
        )
        result = {"rows": int(copied[0]) if copied else 0}
    elif kind == "query":
        data = _mason_ok(
            mason.run(
                "table", "query", database_name="bench", query_string="SELECT count(*) AS n FROM t"
            ),
            "table query",
        )
        result = {"rows": int(data.preview[0]["n"])}
    elif kind == "merge":
        data = _mason_ok(
            mason.run("table", "merge", input_path=str(source), output_path=str(output)),
            "table merge",
        )
        result = {"rows": data.row_count}
    elif kind == "summarize":
        data = _mason_ok(
            mason.run("table", "summarize", database_name="bench", table_name="t"),
            "table summarize",
        )
        result = {"rows": len(data.columns)}
    else:
        raise SystemExit(f"unknown child {kind}")
    result["seconds"] = time.perf_counter() - start
    return result


def run_child(kind: str, source: Path, scratch: Path, home: Path) -> dict[str, Any]:
    env = {**os.environ, "MASON_HOME": str(home)}
    return child_result(__file__, ["--child", kind, source, scratch / f"{kind}-out"], env)


def register(source: Path, home: Path) -> None:
    """``table infer`` of ``source`` as ``bench.t`` in ``home`` (not measured)."""
    env = {**os.environ, "MASON_HOME": str(home)}
    child_result(__file__, ["--infer", source], env)


def child_infer(source: Path) -> dict[str, Any]:
    import mason

    _mason_ok(
        mason.run(
            "table", "infer", storage_path=str(source), database_name="bench", table_name="t"
        ),
        "table infer",
    )
    return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=200_000, help="one-row files (200000)")
    parser.add_argument("--columns", type=int, default=10_000, help="wide file's columns (10000)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "OUTPUT"), help="internal")
    parser.add_argument("--infer", metavar="SOURCE", help="internal")
    args = parser.parse_args()

    if args.child or args.infer:
        if args.infer:
            result = child_infer(Path(args.infer))
        else:
            kind, source, output = args.child
            result = child(kind, Path(source), Path(output))
        # ru_maxrss is in KiB on Linux, bytes on macOS
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["peak_rss"] = peak if sys.platform == "darwin" else peak * 1024
        print(json.dumps(result))
        return 0

    source = small_files(args.files)
    wide = wide_file(args.columns)
    scratch = Path(tempfile.mkdtemp(prefix="small-files-", dir=DATA))
    figures: dict[str, dict[str, Any]] = {}
    try:
        register(source, scratch / "home")
        register(wide, scratch / "wide-home")
        for kind in ("raw-query", "query", "raw-merge", "merge"):
            figures[kind] = run_child(kind, source, scratch, scratch / "home")
        figures["summarize"] = run_child("summarize", wide, scratch, scratch / "wide-home")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    mib = 1 << 20
    failed = []
    rows = []
    for what, ours, raw in (("query", "query", "raw-query"), ("merge", "merge", "raw-merge")):
        if figures[ours]["rows"] != figures[raw]["rows"]:
            raise SystemExit(
                f"{what}: row counts differ: mason {figures[ours]['rows']}, "
                f"raw {figures[raw]['rows']}"
            )
        slower = figures[ours]["seconds"] / figures[raw]["seconds"]
        rows.append(
            [f"table {what}", figures[ours]["seconds"], round(figures[ours]["peak_rss"] / mib),
             ratio(figures[ours]["seconds"], figures[raw]["seconds"])]
        )  # fmt: skip
        rows.append(
            [f"raw DuckDB {what}", figures[raw]["seconds"], round(figures[raw]["peak_rss"] / mib),
             "1.00x"]
        )  # fmt: skip
        if figures[ours]["peak_rss"] >= RSS_LIMIT:
            failed.append(
                f"table {what} peak RSS {figures[ours]['peak_rss'] / mib:.0f} MiB >= 1 GiB"
            )
        if slower > TARGET:
            failed.append(f"table {what} {slower:.2f}x raw DuckDB > {TARGET:.1f}x")
    print_table(
        f"{args.files:,} one-row parquet files (count(*); merge -> parquet)",
        ["", "wall s", "peak RSS MiB", "vs raw"],
        rows,
    )
    summary = figures["summarize"]
    print_table(
        f"table summarize of a {args.columns:,}-column, 2-row parquet file",
        ["", "wall s", "peak RSS MiB", "columns"],
        [
            [
                "table summarize",
                summary["seconds"],
                round(summary["peak_rss"] / mib),
                summary["rows"],
            ]
        ],
    )
    if summary["peak_rss"] >= RSS_LIMIT:
        failed.append(f"table summarize peak RSS {summary['peak_rss'] / mib:.0f} MiB >= 1 GiB")
    for line in failed:
        print(f"\nFLAG: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
