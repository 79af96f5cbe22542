"""``table merge`` of TPC-H ``lineitem`` as CSV into parquet, against raw DuckDB
``COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`` on the same files.

Each side runs in its own fresh interpreter (``--child``), which reports its
own wall time and peak RSS, so neither figure includes the other's memory.
The data comes from ``tpchgen-cli`` and is cached under ``bench/.data``.
Exits 1 when the merge's peak RSS reaches 1 GiB.

    python bench/bench_merge.py              # scale factor 1 (about 750 MB of CSV)
    python bench/bench_merge.py --scale 0.1  # a quick try
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import DATA, child_result, print_table, ratio

RSS_LIMIT = 1 << 30


def lineitem(scale: float, parts: int, fmt: str = "csv") -> list[Path]:
    """The files (``csv`` or ``parquet``) of ``lineitem``, generated once per
    scale, part count and format."""
    suffix = "" if fmt == "csv" else f"_{fmt}"
    root = DATA / f"tpch_sf{scale:g}_p{parts}{suffix}" / "lineitem"
    if not root.is_dir():
        search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        tool = shutil.which("tpchgen-cli", path=search)
        if tool is None:
            raise SystemExit("tpchgen-cli not found: pip install tpchgen-cli")
        staging = Path(tempfile.mkdtemp(prefix="tpch-", dir=DATA))
        print(f"generating lineitem at scale {scale:g} in {parts} {fmt} files ...", flush=True)
        subprocess.run(
            [tool, fmt, "-s", f"{scale:g}", "--tables", "lineitem", "--parts", str(parts),
             "--output-dir", str(staging)],
            check=True,
        )  # fmt: skip
        generated = staging / "lineitem"
        if not generated.is_dir():  # a single part is written as one file
            generated.mkdir()
            for f in staging.glob(f"lineitem*.{fmt}"):
                f.rename(generated / f.name)
        root.parent.mkdir(parents=True, exist_ok=True)
        generated.rename(root)
        shutil.rmtree(staging, ignore_errors=True)
    files = sorted(root.glob(f"*.{fmt}"))
    if not files:
        raise SystemExit(f"no {fmt} files in {root}; delete it to regenerate")
    return files


# -- children: each measures itself --------------------------------------------------


def child_merge(source: Path, output: Path) -> dict[str, Any]:
    import mason

    start = time.perf_counter()
    response = mason.run("table", "merge", input_path=str(source), output_path=str(output))
    seconds = time.perf_counter() - start
    if not response.ok:
        raise SystemExit(f"table merge failed: {response.errors}")
    return {"seconds": seconds, "rows": response.data[0].row_count}


def child_raw(source: Path, output: Path) -> dict[str, Any]:
    import duckdb

    files = ", ".join(f"'{p}'" for p in sorted(source.glob("*.csv")))
    con = duckdb.connect()
    start = time.perf_counter()
    copied = con.execute(
        f"COPY (SELECT * FROM read_csv([{files}])) TO '{output}' (FORMAT parquet)"
    ).fetchone()
    seconds = time.perf_counter() - start
    con.close()
    return {"seconds": seconds, "rows": int(copied[0]) if copied else 0}


def run_child(kind: str, source: Path, scratch: Path) -> dict[str, Any]:
    env = {**os.environ, "MASON_HOME": str(scratch / f"{kind}-home")}
    return child_result(__file__, ["--child", kind, source, scratch / f"{kind}-out"], env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="TPC-H scale factor (1)")
    parser.add_argument("--parts", type=int, default=4, help="CSV files to split lineitem in (4)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "OUTPUT"), help="internal")
    args = parser.parse_args()

    if args.child:
        kind, source, output = args.child
        measure = child_merge if kind == "merge" else child_raw
        result = measure(Path(source), Path(output))
        # ru_maxrss is in KiB on Linux, bytes on macOS
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["peak_rss"] = peak if sys.platform == "darwin" else peak * 1024
        print(json.dumps(result))
        return 0

    files = lineitem(args.scale, args.parts)
    size = sum(f.stat().st_size for f in files)
    scratch = Path(tempfile.mkdtemp(prefix="merge-", dir=DATA))
    try:
        raw = run_child("raw", files[0].parent, scratch)
        merge = run_child("merge", files[0].parent, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if merge["rows"] != raw["rows"]:
        raise SystemExit(f"row counts differ: merge {merge['rows']}, raw {raw['rows']}")

    mib = 1 << 20
    slower = ratio(merge["seconds"], raw["seconds"])
    print_table(
        f"lineitem sf {args.scale:g}: {len(files)} CSV files, {size / mib:.0f} MiB, "
        f"{raw['rows']} rows -> parquet",
        ["", "wall s", "peak RSS MiB", "vs raw"],
        [
            ["table merge", merge["seconds"], round(merge["peak_rss"] / mib), slower],
            ["raw DuckDB COPY", raw["seconds"], round(raw["peak_rss"] / mib), "1.00x"],
        ],
    )
    if merge["peak_rss"] >= RSS_LIMIT:
        print(f"\nFLAG: table merge peak RSS {merge['peak_rss'] / mib:.0f} MiB >= 1 GiB")
        return 1
    print(f"\nmerge peak RSS under 1 GiB ({merge['peak_rss'] / mib:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
