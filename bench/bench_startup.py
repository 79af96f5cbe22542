"""Startup cost of the CLI with every installed plugin: ``mason --help`` and
``mason op`` against ``python -c "import typer"`` (the floor any Typer CLI pays).

Each command runs as a fresh process; figures are the median of several runs
after a warm-up (which also warms the registry index in MASON_HOME, as any
earlier command does for a user), in a scratch MASON_HOME. ``mason op`` is also
timed cold: the index removed before each run, so the registry is built.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import shutil
import sys
from functools import partial
from pathlib import Path

from _common import median_seconds, print_table, ratio, run_quietly, scratch_home, venv_script

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "9"))
#: issue 14's target for ``mason op`` against the ``import typer`` baseline
TARGET = 2.0


def main() -> None:
    plugins = sorted(ep.name for ep in md.entry_points(group="mason"))
    mason = venv_script("mason")
    commands: list[tuple[str, list[str | Path]]] = [
        ('python -c "pass"', [sys.executable, "-c", "pass"]),
        ('python -c "import typer"  (baseline)', [sys.executable, "-c", "import typer"]),
        ("mason --help", [mason, "--help"]),
        ("mason op", [mason, "op"]),
        ("mason op table infer --help", [mason, "op", "table", "infer", "--help"]),
    ]
    results: list[tuple[str, float, float]] = []
    with scratch_home() as tmp:
        env = dict(os.environ)
        for label, args in commands:
            med, low = median_seconds(partial(run_quietly, args, env), runs=RUNS)
            results.append((label, med, low))
        cache = tmp / "home" / "cache"

        def cold_op() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            run_quietly([mason, "op"], env)

        med, low = median_seconds(cold_op, runs=RUNS)
        results.append(("mason op  (cold: index rebuilt)", med, low))
    baseline = results[1][1]
    print(f"plugins installed: {', '.join(plugins) or 'none'}; {RUNS} runs each after a warm-up")
    print_table(
        "CLI startup (wall time, fresh process)",
        ["command", "median ms", "min ms", "vs import typer"],
        [
            (label, f"{med * 1000:.1f}", f"{low * 1000:.1f}", ratio(med, baseline))
            for label, med, low in results
        ],
    )
    op = next(med for label, med, _ in results if label == "mason op")
    verdict = "met" if op <= TARGET * baseline else "NOT met"
    print_table(
        "Target (issue 14)",
        ["row", "mason op ms", "import typer ms", "ratio", "target", "status"],
        [
            (
                "mason op vs import typer",
                f"{op * 1000:.1f}",
                f"{baseline * 1000:.1f}",
                ratio(op, baseline),
                f"<= {TARGET:.1f}x",
                verdict,
            )
        ],
    )


if __name__ == "__main__":
    main()
