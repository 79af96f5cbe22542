"""Helpers of the Iceberg fault tests: a child process running operators on a
shared MASON_HOME, killed with SIGKILL, and checks of the table it leaves,
made with pyiceberg directly on the catalog file (not through Mason)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import IO, Any

#: the child's preamble: Mason on the parent's MASON_HOME, and a batch writer.
PREAMBLE = textwrap.dedent(
    """\
    import sys
    import pyarrow as pa, pyarrow.parquet as pq
    import mason

    def batch(path, start, n):
        pq.write_table(pa.table({
            "event_id": pa.array(range(start, start + n), pa.int64()),
            "kind": ["batch"] * n,
            "value": [1.0] * n,
        }), path)

    def ok(response):
        if not response.ok:
            print("FAILED", response.errors, flush=True)
            sys.exit(1)
        return response
    """
)


def spawn(home: Path, body: str) -> subprocess.Popen[str]:
    env = dict(os.environ, MASON_HOME=str(home))
    return subprocess.Popen(
        [sys.executable, "-c", PREAMBLE + textwrap.dedent(body)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(stream: IO[str] | None, marker: str, timeout: float = 120) -> list[str]:
    """Lines read until one equals ``marker``."""
    assert stream is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise AssertionError(f"child ended before printing {marker!r}: {lines}")
        lines.append(line.strip())
        if line.strip() == marker:
            return lines
    raise AssertionError(f"no {marker!r} within {timeout}s")


def kill(proc: subprocess.Popen[str]) -> list[str]:
    """SIGKILL the child; the lines it printed (committed batches...)."""
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    return out.split()


def catalog(home: Path) -> Any:
    """pyiceberg's catalog over MASON_HOME's Iceberg tables (a fresh one: this
    process's own handle, as another process would open it)."""
    from mason_local.config import LocalClientConfig
    from mason_local.iceberg.tables import IcebergTables
    from mason_local.metastore import catalog_path

    config = LocalClientConfig()
    return IcebergTables.of(config, home, catalog_path(config, home)).catalog


def check_intact(home: Path, name: str = "events") -> Any:
    """The table as the catalog points at it now: every file any of its
    snapshots references exists, and every snapshot reads. Returns the table."""
    from mason.sdk.iceberg_maintenance import reachable

    table = catalog(home).load_table(("lake", name))
    files = reachable(table, table.metadata.snapshots, live_only=True)
    missing = [p for p in files if not Path(p).exists()]
    assert not missing, f"referenced files deleted: {missing[:5]}"
    for snapshot in table.metadata.snapshots:
        table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
    return table


def event_ids(table: Any) -> list[int]:
    return sorted(table.scan(selected_fields=("event_id",)).to_arrow().column(0).to_pylist())
