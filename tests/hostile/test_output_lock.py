"""One writer per output (docs/safety.md, "Overwrites"), with real processes:
while one holds an output's lock another fails at once, having touched
nothing; two overwriting merges racing for one output leave it complete."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hostile.rooted import cli, one_error, snapshot, use_root

HOLDER = """
import sys
from pathlib import Path
from mason_core.outputs import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def root(tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "root"
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    for n in range(12):
        rows = "".join(f"{n * 1000 + i},{i % 7}\n" for i in range(500))
        (inputs / f"part-{n:02d}.csv").write_text("id,k\n" + rows)
    use_root(isolated_mason_home, folder)
    monkeypatch.chdir(folder)
    return folder


def merge(root: Path) -> subprocess.CompletedProcess[str]:
    return cli(
        "op", "table", "merge", "-p", "input_path:in,output_path:out,overwrite:true", cwd=root
    )


def test_a_writer_finding_the_output_locked_fails_having_touched_nothing(root: Path) -> None:
    assert merge(root).returncode == 0
    before = snapshot(root)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root / "out")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = merge(root)
        assert done.returncode == 1, done
        assert "being written by another job" in one_error(done)
        after = snapshot(root)
        assert {k: v for k, v in after.items() if ".mason-lock-" not in k} == before
        assert not [p for p in root.iterdir() if p.name.startswith(".mason-staging")]
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    assert merge(root).returncode == 0
    assert not [p for p in root.iterdir() if p.name.startswith(".mason")]


def test_a_killed_holder_leaves_the_output_unlocked(root: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root / "out")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=30)
    assert merge(root).returncode == 0


def test_racing_merges_leave_a_complete_output(root: Path) -> None:
    import pyarrow.dataset as ds

    for _ in range(3):
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda _: merge(root), range(2)))
        for done in runs:
            assert done.returncode in (0, 1), done
            if done.returncode == 1:
                assert "being written by another job" in one_error(done)
        assert any(done.returncode == 0 for done in runs)
        assert ds.dataset(root / "out", format="parquet").count_rows() == 12 * 500
        leftovers = [p for p in root.iterdir() if p.name.startswith(".mason")]
        assert not leftovers
