"""Helpers of the resource tests (``test_resources_*``): the real ``mason``
console script in a process of its own, and generated inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    code: int
    out: str
    err: str


def mason_cli(*args: str | Path, cwd: Path | None = None) -> Run:
    """``mason ARGS`` as a user runs it: the virtualenv's console script, with
    this test's MASON_HOME (set by the top-level conftest)."""
    script = Path(sys.executable).parent / "mason"
    proc = subprocess.run(
        [str(script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def one_row_files(folder: Path, count: int) -> None:
    """``count`` one-row parquet files ``part-NNNNNNN.parquet`` in ``folder``,
    row ``i`` holding ``id = i``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        pq.write_table(pa.table({"id": [i], "name": [f"n{i}"]}), folder / f"part-{i:07d}.parquet")
