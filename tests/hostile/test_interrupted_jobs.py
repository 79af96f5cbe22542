"""Jobs killed at random moments: ``table merge`` and ``table query`` run as real
CLI processes on DuckDB and parquet files, and are sent SIGKILL or SIGTERM at a
random time (before, while and after they work). Whatever the moment:

- the output holds the previous dataset or the new one, whole (never a mix, never half);
- the catalog is as it was;
- no job record is left ``running``: a killed job reads ``interrupted``, a
  terminated one ``cancelled`` (exit 143), Ctrl-C ``cancelled`` with exit 130;
- the next run succeeds.

The random moments come from a seeded generator, printed on failure.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mason
from mason.sdk.jobs import JobStatus, JobStore
from tests.table_bundle.test_merge_killed import mason_cli

pytestmark = pytest.mark.slow

TRIALS = 10
ROWS = 40_000  # in 4 CSV files: a merge or query works for well under a second
SEED = int(os.environ.get("MASON_KILL_SEED", "0")) or random.randrange(1, 10**6)


@dataclass
class Lake:
    home: Path
    root: Path
    source: Path  # 4 CSV files, registered as table lake.source
    old: Path  # a pristine previous output (parquet), copied to an output before each trial
    old_sign: tuple[int, int]

    def reset(self, output: Path) -> None:
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(self.old, output)


def signature(folder: Path) -> tuple[int, int] | None:
    """(rows, sum of ids) of the parquet dataset in ``folder``; None if unreadable."""
    import duckdb

    files = [p for p in folder.rglob("*.parquet") if not p.name.startswith(".")]
    if not files:
        return None
    try:
        n, total = duckdb.execute(
            "SELECT count(*), coalesce(sum(id), 0) FROM read_parquet(?)", [[str(p) for p in files]]
        ).fetchone() or (0, 0)
    except duckdb.Error:
        return None
    return int(n), int(total)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lake]:
    import duckdb

    root = tmp_path_factory.mktemp("lake")
    home = root / "home"
    source = root / "source"
    source.mkdir()
    per_file = ROWS // 4
    for i in range(4):
        duckdb.execute(
            f"COPY (SELECT range + {i * per_file} AS id, 'name-' || range AS name, "
            f"random() AS score FROM range({per_file})) TO '{source / f'part-{i}.csv'}' (HEADER)"
        )
    old = root / "old"
    old.mkdir()
    duckdb.execute(
        "COPY (SELECT 10000000 + range AS id, 'old' AS name, 0.5 AS score FROM range(7)) "
        f"TO '{old / 'part-0.parquet'}' (FORMAT parquet)"
    )
    lake = Lake(home, root, source, old, (7, 7 * 10000000 + 21))
    saved = os.environ.get("MASON_HOME")
    os.environ["MASON_HOME"] = str(home)
    try:
        ok(mason_cli("op", "table", "infer", "-p", f'storage_path:"{source}",database_name:lake',
                     home=home))  # fmt: skip
        yield lake
    finally:
        if saved is None:
            os.environ.pop("MASON_HOME", None)
        else:
            os.environ["MASON_HOME"] = saved


@pytest.fixture
def home(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The lake's MASON_HOME for in-process look-ups (``job get``, the next run)."""
    from mason_core.runtime import reset_sessions

    monkeypatch.setenv("MASON_HOME", str(lake.home))
    reset_sessions()
    return lake.home


def ok(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode == 0, done.stdout + done.stderr
    envelope: dict[str, object] = json.loads(done.stdout)
    return envelope


def start(home: Path, command: str, params: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mason", "op", "table", command, "-p", params, "-o", "json"],
        env={**os.environ, "MASON_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def job_ids(home: Path) -> set[str]:
    return {record.id for record in JobStore(home, "local").list(limit=10_000)}


def catalog(home: Path) -> list[tuple[str, str | None]]:
    response = mason.run("table", "list", database_name="lake")
    assert response.ok, response.errors
    return sorted((t.name, t.location) for t in response.data)


@dataclass
class Op:
    command: str
    params: dict[str, str | bool]
    new_sign: tuple[int, int]

    @property
    def cli_params(self) -> str:
        """The parameters as a ``-p`` string."""
        return ",".join(
            f"{k}:{str(v).lower()}" if isinstance(v, bool) else f'{k}:"{v}"'
            for k, v in self.params.items()
        )


def merge_op(lake: Lake, output: Path) -> Op:
    params: dict[str, str | bool] = {
        "input_path": str(lake.source), "output_path": str(output), "overwrite": True,
    }  # fmt: skip
    return Op("merge", params, (ROWS, ROWS * (ROWS - 1) // 2))


def query_op(lake: Lake, output: Path) -> Op:
    params: dict[str, str | bool] = {
        "database_name": "lake",
        "query_string": "SELECT id, name, score FROM source WHERE id % 2 = 0",
        "output_path": str(output),
        "overwrite": True,
    }
    evens = ROWS // 2
    return Op("query", params, (evens, evens * (evens - 1)))


def baseline_seconds(lake: Lake, op: Op, output: Path) -> float:
    """How long one run takes here, start to end: the range of the random moments."""
    lake.reset(output)
    began = time.monotonic()
    ok(mason_cli("op", "table", op.command, "-p", op.cli_params, home=lake.home))
    assert signature(output) == op.new_sign
    return time.monotonic() - began


def run_trials(lake: Lake, op: Op, output: Path) -> None:
    rng = random.Random(f"{SEED}-{op.command}")
    window = baseline_seconds(lake, op, output)
    tables = catalog(lake.home)
    outcomes: list[str] = []
    for trial in range(TRIALS):
        sig = (signal.SIGKILL, signal.SIGTERM)[trial % 2]
        delay = rng.uniform(0.0, window)
        where = f"seed {SEED}, {op.command} trial {trial}: {sig.name} after {delay:.2f}s"
        lake.reset(output)
        before = job_ids(lake.home)

        process = start(lake.home, op.command, op.cli_params)
        time.sleep(delay)
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=60)
        code = process.returncode

        allowed = {0, -sig} | ({128 + signal.SIGTERM} if sig == signal.SIGTERM else set())
        assert code in allowed, f"{where}: exit {code}: {stdout} {stderr}"
        assert "Traceback" not in stderr, f"{where}: {stderr}"
        found = signature(output)
        assert found in (lake.old_sign, op.new_sign), f"{where}: output is {found}"
        if code == 0:
            assert found == op.new_sign, where
        assert catalog(lake.home) == tables, where

        for job_id in job_ids(lake.home) - before:
            response = mason.run("job", "get", job_id=job_id)
            assert response.exit_code == 0, f"{where}: {response.errors}"
            status = response.data[0].status
            # a signal that came after the job ended (while the CLI printed)
            # leaves it succeeded, with the new output in place; SIGTERM kills
            # outright (-15) only before the CLI set its handler (no job yet)
            # or once Python restored the default at exit (the job over)
            expected = {
                0: {JobStatus.SUCCEEDED},
                -signal.SIGKILL: {JobStatus.INTERRUPTED, JobStatus.SUCCEEDED},
                128 + signal.SIGTERM: {JobStatus.CANCELLED, JobStatus.SUCCEEDED},
                -signal.SIGTERM: {JobStatus.SUCCEEDED},
            }[code]
            assert status in expected, f"{where}: job {job_id} is {status.value}"
            if status is JobStatus.SUCCEEDED:
                assert found == op.new_sign, where
            outcomes.append(status.value)

        if code == 0:
            continue  # it was not interrupted: this run was the next run
        again = mason.run("table", op.command, **op.params)
        assert again.ok, f"{where}: the next run failed: {again.errors}"
        assert signature(output) == op.new_sign, where
    # the trials did reach jobs at work, not only before or after them
    assert {"interrupted", "cancelled"} & set(outcomes), f"seed {SEED}: only {outcomes}"


def test_merge_killed_at_random_moments(lake: Lake, home: Path) -> None:
    run_trials(lake, merge_op(lake, lake.root / "merged"), lake.root / "merged")


def test_query_killed_at_random_moments(lake: Lake, home: Path) -> None:
    run_trials(lake, query_op(lake, lake.root / "queried"), lake.root / "queried")


def wait_until_running(home: Path, before: set[str], process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the job ended before it could be interrupted"
        for job_id in job_ids(home) - before:
            if JobStore(home, "local").load(job_id).status is JobStatus.RUNNING:
                return job_id
        time.sleep(0.01)
    raise AssertionError("no running job record within 60s")


@pytest.mark.parametrize(
    ("sig", "exit_code", "error"),
    [
        (signal.SIGINT, 130, "cancelled: interrupted"),
        (signal.SIGTERM, 143, "cancelled: terminated (SIGTERM)"),
    ],
)
def test_ctrl_c_and_sigterm_cancel_the_running_job(
    lake: Lake, home: Path, sig: signal.Signals, exit_code: int, error: str
) -> None:
    output = lake.root / f"cancelled-{sig.name}"
    op = merge_op(lake, output)
    lake.reset(output)
    before = job_ids(lake.home)
    process = start(lake.home, op.command, op.cli_params)
    job_id = wait_until_running(lake.home, before, process)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == exit_code, stderr
    assert stderr.strip().splitlines()[-1].startswith("error: ")
    assert "Traceback" not in stderr
    job = mason.run("job", "get", job_id=job_id).data[0]
    assert (job.status, job.error) == (JobStatus.CANCELLED, error)
    assert job.finished_at is not None
    assert signature(output) == lake.old_sign
