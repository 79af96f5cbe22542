"""Startup cost of the CLI with every installed plugin: ``mason --help`` and
``mason op`` against ``python -c "import typer"`` (the floor any Typer CLI pays).

Each command runs as a fresh process; figures are the median of several runs
after a warm-up, in a scratch MASON_HOME.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import sys
from functools import partial
from pathlib import Path

from _common import median_seconds, print_table, ratio, run_quietly, scratch_home, venv_script

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "9"))


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
    with scratch_home():
        env = dict(os.environ)
        for label, args in commands:
            med, low = median_seconds(partial(run_quietly, args, env), runs=RUNS)
            results.append((label, med, low))
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


if __name__ == "__main__":
    main()
