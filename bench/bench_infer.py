"""``table infer`` over a directory of many small parquet files, against a plain
pyarrow loop reading each file's schema (the least any inference must do).

Both sides list the directory themselves and read every footer; figures are
the median of several runs, in-process, after a warm-up that also fills the
OS file cache. Mason's side registers the table in a scratch MASON_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

from _common import DATA, median_seconds, print_comparison, scratch_home

FILES = int(os.environ.get("BENCH_INFER_FILES", "2000"))
RUNS = int(os.environ.get("BENCH_INFER_RUNS", "5"))
#: issue 14's target: no slower than the plain loop
TARGET = 1.0


def dataset(files: int) -> Path:
    """``files`` parquet files of 20 rows each, spread over hive partitions
    ``day=...``; generated once and cached under bench/.data."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = DATA / f"infer_{files}"
    marker = root / ".complete"
    if marker.exists():
        return root
    days = 20
    for i in range(files):
        folder = root / f"day=2024-01-{1 + i % days:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.table(
            {
                "id": pa.array(range(i * 20, i * 20 + 20), pa.int64()),
                "name": pa.array([f"item-{i}-{j}" for j in range(20)], pa.string()),
                "price": pa.array([j * 1.25 for j in range(20)], pa.float64()),
                "in_stock": pa.array([j % 2 == 0 for j in range(20)], pa.bool_()),
            }
        )
        pq.write_table(table, folder / f"part-{i:05d}.parquet")
    marker.touch()
    return root


def pyarrow_loop(root: Path) -> int:
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(f) for f in sorted(root.rglob("*.parquet"))]
    return len(schemas)


def main() -> None:
    import mason

    root = dataset(FILES)
    assert pyarrow_loop(root) == FILES

    counter = iter(range(1_000_000))

    def mason_infer() -> None:
        resp = mason.run(
            "table",
            "infer",
            storage_path=str(root),
            database_name="bench",
            table_name=f"t{next(counter)}",
        )
        if not resp.ok:
            raise SystemExit(f"table infer failed: {resp.errors}")

    with scratch_home():
        mason_infer()
        table = mason.run("table", "get", database_name="bench", table_name="t0").data[0]
        base_med, base_min = median_seconds(lambda: pyarrow_loop(root), runs=RUNS)
        mason_med, mason_min = median_seconds(mason_infer, runs=RUNS)

    print(
        f"{FILES} parquet files in {len({p.parent for p in root.rglob('*.parquet')})} partitions; "
        f"inferred {len(table.table_schema.columns)} columns, "
        f"partition keys {[c.name for c in table.partition_keys]}; {RUNS} runs each"
    )
    print_comparison(
        f"table infer over {FILES} small parquet files (wall time, in-process)",
        "pyarrow loop",
        ("pyarrow.parquet.read_schema loop (baseline)", base_med, base_min),
        ("mason table infer (local)", mason_med, mason_min),
        target=TARGET,
    )


if __name__ == "__main__":
    main()
