"""A merge killed with SIGKILL mid-write leaves no partial output at its
output path (or the previous output intact) and a consistent catalog."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import read_dataset, write_parquet

pytestmark = pytest.mark.slow

#: rows per input file; the files are large enough that writing takes seconds.
ROWS_PER_FILE = 2_000_000
FILES = 4


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import duckdb

    root = tmp_path_factory.mktemp("big") / "input"
    root.mkdir()
    for i in range(FILES):
        duckdb.execute(
            f"COPY (SELECT range + {i * ROWS_PER_FILE} AS id, 'name-' || range AS name, "
            "random() AS score, range % 97 AS bucket, now() AS at "
            f"FROM range({ROWS_PER_FILE})) TO '{root / f'part-{i}.csv'}' (HEADER)"
        )
    return root


def mason_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mason", *args, "--output", "json"],
        env={**os.environ, "MASON_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_merge(
    big_input: Path, output: Path, home: Path, overwrite: bool
) -> subprocess.Popen[str]:
    params = f'input_path:"{big_input}",output_path:"{output}",overwrite:{str(overwrite).lower()}'
    return subprocess.Popen(
        [sys.executable, "-m", "mason", "op", "table", "merge", "-p", params, "--output", "json"],
        env={**os.environ, "MASON_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def kill_while_writing(process: subprocess.Popen[str], output: Path) -> None:
    """SIGKILL ``process`` once its staging folder beside ``output`` holds data."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the merge ended before it could be killed"
        staged = [
            f
            for holder in output.parent.glob(f".mason-staging-{output.name}-*")
            for f in holder.rglob("*")
            if f.is_file() and f.stat().st_size > 0
        ]
        if staged:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL
            return
        time.sleep(0.01)
    process.kill()
    pytest.fail("no staged output appeared within 60s")


def catalog(home: Path, database: str) -> list[dict[str, Any]]:
    listed = mason_cli("op", "table", "list", "-p", f"database_name:{database}", home=home)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    data: list[dict[str, Any]] = json.loads(listed.stdout)["Data"]
    return data


def test_killed_merge_leaves_no_output(big_input: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    registered = tmp_path / "registered"
    write_parquet(registered / "p.parquet", [{"a": 1}])
    infer = mason_cli(
        "op", "table", "infer", "-p", f'storage_path:"{registered}",database_name:db', home=home
    )
    assert infer.returncode == 0, infer.stdout + infer.stderr

    output = tmp_path / "merged"
    kill_while_writing(start_merge(big_input, output, home, overwrite=False), output)

    assert not output.exists()
    assert [t["Name"] for t in catalog(home, "db")] == ["registered"]

    # the leftover staging folder neither blocks nor joins the next merge
    done = mason_cli(
        "op", "table", "merge", "-p", f'input_path:"{big_input}",output_path:"{output}"', home=home
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["Data"][0]["RowCount"] == FILES * ROWS_PER_FILE


def test_killed_overwrite_keeps_the_previous_output(big_input: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    output = tmp_path / "merged"
    old_rows = [{"id": i, "old": True} for i in range(3)]
    write_parquet(output / "part-00000.parquet", old_rows)
    infer = mason_cli(
        "op", "table", "infer", "-p", f'storage_path:"{output}",database_name:db', home=home
    )
    assert infer.returncode == 0, infer.stdout + infer.stderr

    kill_while_writing(start_merge(big_input, output, home, overwrite=True), output)

    assert read_dataset(output) == old_rows
    tables = catalog(home, "db")
    assert [(t["Name"], t["Location"]) for t in tables] == [("merged", str(output))]
    counted = mason_cli(
        "op",
        "table",
        "query",
        "-p",
        'database_name:db,query_string:"SELECT count(*) AS n FROM merged"',
        home=home,
    )
    assert counted.returncode == 0, counted.stdout + counted.stderr
    assert json.loads(counted.stdout)["Data"][0]["Preview"] == [{"n": 3}]
