"""``table merge`` of TPC-H ``lineitem`` (CSV -> parquet) on Spark local mode
against the local DuckDB engine, as a wall-time ratio, at a few scale factors.

Each run is a fresh interpreter (``--child``), so Spark's figure includes
starting its JVM, as a one-off ``mason op table merge`` would; the merge alone
(on a session already started) is printed beside it. The data comes from
``tpchgen-cli`` through bench_merge.py's cache under ``bench/.data``.

    python bench/bench_spark.py                 # scale factors 0.1 and 1
    python bench/bench_spark.py --scales 0.01
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import DATA, child_result
from bench_merge import lineitem

SPARK_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
}


def spark_config(scratch: Path) -> str:
    """Save a configuration with Spark (local[*], in-process) for execution."""
    import yaml

    from mason_core.runtime import default_session

    path = scratch / "spark.yaml"
    runner = {"type": "local", "threads": "*", "driver_memory": "2g", "conf": SPARK_CONF}
    path.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "spark",
                "metastore_engine": "local",
                "storage_engine": "local",
                "execution_engine": "spark",
                "clients": {"spark": {"configuration": {"runner": runner}}},
            }
        )
    )
    store = default_session().configs
    store.save(store.read_file(path))
    return "spark"


def child(kind: str, source: Path, output: Path) -> dict[str, Any]:
    """One merge in this process; ``spark`` also times starting its session."""
    import mason

    config_id = None
    started = 0.0
    start = time.perf_counter()
    if kind == "spark":
        from mason_spark.config import LocalRunner
        from mason_spark.runners.local import local_session

        config_id = spark_config(output.parent)
        local_session(LocalRunner(threads="*", driver_memory="2g", conf=SPARK_CONF))
        started = time.perf_counter() - start
    begin = time.perf_counter()
    response = mason.run(
        "table", "merge", config_id=config_id, input_path=str(source), output_path=str(output)
    )
    merge = time.perf_counter() - begin
    if not response.ok:
        raise SystemExit(f"{kind} merge failed: {response.errors}")
    return {
        "total": time.perf_counter() - start,
        "merge": merge,
        "session": started,
        "rows": response.data[0].row_count,
    }


def run_child(kind: str, source: Path, scratch: Path) -> dict[str, Any]:
    work = scratch / kind
    work.mkdir()
    env = {**os.environ, "MASON_HOME": str(work / "home"), "SPARK_LOCAL_IP": "127.0.0.1"}
    return child_result(__file__, ["--child", kind, source, work / "out"], env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scales", default="0.1,1", help="TPC-H scale factors (0.1,1)")
    parser.add_argument("--parts", type=int, default=4, help="CSV files per scale (4)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "OUTPUT"), help="internal")
    args = parser.parse_args()

    if args.child:
        kind, source, output = args.child
        print(json.dumps(child(kind, Path(source), Path(output))))
        return 0

    print(f"spark local mode vs local duckdb, table merge of lineitem CSV -> parquet, "
          f"{os.cpu_count()} cores")  # fmt: skip
    for scale in (float(s) for s in args.scales.split(",")):
        files = lineitem(scale, args.parts)
        mib = sum(f.stat().st_size for f in files) / (1 << 20)
        scratch = Path(tempfile.mkdtemp(prefix="spark-bench-", dir=DATA))
        try:
            duck = run_child("duckdb", files[0].parent, scratch)
            spark = run_child("spark", files[0].parent, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if duck["rows"] != spark["rows"]:
            raise SystemExit(f"row counts differ: duckdb {duck['rows']}, spark {spark['rows']}")
        print(
            f"sf {scale:g}: {duck['rows']} rows, {mib:.0f} MiB CSV | "
            f"duckdb {duck['total']:.2f}s | spark {spark['total']:.2f}s "
            f"(session {spark['session']:.2f}s + merge {spark['merge']:.2f}s) | "
            f"spark/duckdb wall {spark['total'] / duck['total']:.2f}x, "
            f"merge only {spark['merge'] / duck['merge']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
