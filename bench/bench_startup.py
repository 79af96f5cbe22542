"""Startup cost of the CLI with every installed plugin: ``mason --help``,
``mason op`` and ``mason op NS CMD --help`` against ``python -c "import typer"``
(the floor any Typer CLI pays; these answer from the index without Typer).

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
#: issue 21's target for the listings answered from the index, against ``import typer``
TARGET = 1.0
#: the rows held to it
TARGETED = ("mason --help", "mason op", "mason op table infer --help")


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
    print_table(
        "Target (issue 21): answered from the index, no Typer",
        ["row", "ms", "import typer ms", "ratio", "target", "status"],
        [
            (
                label,
                f"{med * 1000:.1f}",
                f"{baseline * 1000:.1f}",
                ratio(med, baseline),
                f"<= {TARGET:.1f}x",
                "met" if med <= TARGET * baseline else "MISSED",
            )
            for label, med, _ in results
            if label in TARGETED
        ],
    )


if __name__ == "__main__":
    main()
