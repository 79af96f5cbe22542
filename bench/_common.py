"""Shared by the bench scripts: timing, a scratch MASON_HOME, and printing
figures beside their baselines. Not a benchmark itself (no ``bench_`` prefix)."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: generated inputs are cached here between runs (git-ignored)
DATA = Path(__file__).resolve().parent / ".data"


def cached_file(path: Path, write: Callable[[Path], None]) -> Path:
    """``path``, generated once by ``write`` (given a temporary name beside it,
    renamed into place when complete); returns the folder holding it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        write(tmp)
        tmp.rename(path)
    return path.parent


def median_seconds(fn: Callable[[], object], runs: int, warmup: int = 1) -> tuple[float, float]:
    """(median, min) wall time of ``fn`` over ``runs`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def process_seconds(
    args: Sequence[str | Path], env: dict[str, str] | None, runs: int, warmup: int = 1
) -> tuple[tuple[float, float], tuple[float, float]]:
    """((median, min) wall, (median, min) CPU) seconds of ``args`` run as a fresh
    process each time after ``warmup`` runs. CPU is the process's user + system
    time over all its threads, which a shared machine's load changes far less
    than wall time."""
    for _ in range(warmup):
        run_quietly(args, env)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run_quietly(args, env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return (statistics.median(walls), min(walls)), (statistics.median(cpus), min(cpus))


#: the least any process pays that validates one pydantic model (Mason validates
#: parameters, configurations and results with pydantic on every run); benches
#: print what it adds to a process beside the whole-process targets
PYDANTIC_FLOOR = "from pydantic import BaseModel\nclass M(BaseModel):\n    a: int\nM(a=1)"


def pydantic_floor(env: dict[str, str] | None, runs: int) -> tuple[float, float]:
    """(wall, CPU) median seconds that validating one pydantic model adds to a
    fresh ``python -c`` process: the part of any whole-process ratio that a
    tool validating its input with pydantic cannot go below."""
    bare = process_seconds([sys.executable, "-c", "pass"], env, runs=runs)
    floor = process_seconds([sys.executable, "-c", PYDANTIC_FLOOR], env, runs=runs)
    return floor[0][0] - bare[0][0], floor[1][0] - bare[1][0]


def run_quietly(args: Sequence[str | Path], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )


def venv_script(name: str) -> Path:
    """A console script of the interpreter running the bench (``mason``)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise SystemExit(f"{path} not found: install mason-core in this environment")
    return path


def child_result(
    script: str | Path, args: Sequence[str | Path], env: dict[str, str]
) -> dict[str, Any]:
    """Run ``script`` under this interpreter in a fresh process (a cold start
    and a peak RSS of its own), and return the JSON object its last stdout line
    prints."""
    proc = subprocess.run(
        [sys.executable, str(script), *map(str, args)], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@contextmanager
def scratch_home() -> Iterator[Path]:
    """A throwaway MASON_HOME, set in the environment for the duration."""
    old = os.environ.get("MASON_HOME")
    with tempfile.TemporaryDirectory(prefix="mason-bench-") as tmp:
        os.environ["MASON_HOME"] = str(Path(tmp) / "home")
        try:
            from mason_core.runtime import reset_sessions

            reset_sessions()
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("MASON_HOME", None)
            else:
                os.environ["MASON_HOME"] = old


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print(
            "  "
            + "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def print_comparison(
    title: str,
    vs: str,
    baseline: tuple[str, float, float],
    mason: tuple[str, float, float],
    target: float | None = None,
) -> None:
    """A two-row table of (label, median s, min s): the baseline, then mason with
    its ratio to the baseline's median in a ``vs <vs>`` column; with ``target``
    (the highest acceptable ratio), a column saying whether it was met."""
    header = ["what", "median s", "min s", f"vs {vs}"]
    rows: list[tuple[object, ...]] = [(*baseline, "1.00x"), (*mason, ratio(mason[1], baseline[1]))]
    if target is not None:
        header.append("target")
        met = baseline[1] > 0 and mason[1] / baseline[1] <= target
        rows = [(*rows[0], ""), (*rows[1], f"<= {target:.2f}x {'met' if met else 'MISSED'}")]
    print_table(title, header, rows)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 else "n/a"
