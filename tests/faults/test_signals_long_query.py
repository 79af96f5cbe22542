"""Ctrl-C and SIGTERM stop a long query, whatever the moment.

``mason op table query`` runs, as a real CLI process, a DuckDB query that would
go on for minutes (a cross join of 200,000 rows with itself); once its job is
recorded ``running``, SIGINT or SIGTERM comes at a random moment of the next
second (while DuckDB is being set up, while it plans, while it executes; with
and without an output to write). Every trial must end within 2 s of the signal,
exit 130 (Ctrl-C) or 143 (SIGTERM) with one line on stderr, and leave the job
``cancelled`` and no output. DuckDB does not always return to Python while it
executes, so without the signal watcher (mason_core.interrupts) most trials
run on until killed.

100 trials in 10 seeded groups; ``MASON_SIGNAL_SEED`` replays a run (the seed
is printed on failure).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mason.sdk.jobs import JobStatus, JobStore
from tests.faults._signals import await_new_job, cli, job_ids, start_cli

pytestmark = pytest.mark.slow

GROUPS = 10
TRIALS_PER_GROUP = 10
#: the promise: the process is gone this long after the signal.
BOUND_SECONDS = 2.0
ROWS = 200_000
LONG_QUERY = "SELECT sum(hash(a.id + b.id)) AS h FROM src a, src b"
SEED = int(os.environ.get("MASON_SIGNAL_SEED", "0")) or random.randrange(1, 10**6)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import duckdb

    root = tmp_path_factory.mktemp("signals")
    src = root / "src"
    src.mkdir()
    duckdb.execute(
        f"COPY (SELECT range AS id FROM range({ROWS})) TO '{src / 'part-0.parquet'}' "
        "(FORMAT parquet)"
    )
    home = root / "home"
    done = cli("op", "table", "infer", "-p", f'storage_path:"{src}",database_name:lake', home=home)
    assert done.returncode == 0, done.stderr
    return home


def trial(home: Path, rng: random.Random, where: str) -> None:
    sig = rng.choice((signal.SIGINT, signal.SIGTERM))
    delay = rng.uniform(0.0, 1.0)
    output = home.parent / f"out-{rng.randrange(10**9)}" if rng.random() < 0.5 else None
    params = f'database_name:lake,query_string:"{LONG_QUERY}"'
    if output is not None:
        params += f',output_path:"{output}"'
    where += f": {sig.name} {delay:.2f}s into the job, output {output is not None}"

    before = job_ids(home)
    process = start_cli("op", "table", "query", "-p", params, home=home)
    try:
        job = await_new_job(home, before, process)
        time.sleep(delay)
        sent = time.monotonic()
        process.send_signal(sig)
        try:
            _, stderr = process.communicate(timeout=BOUND_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{where}: still running {BOUND_SECONDS:g} s after the signal")
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    expected = 130 if sig == signal.SIGINT else 143
    assert process.returncode == expected, f"{where}: exit {process.returncode}: {stderr}"
    message = "error: interrupted" if sig == signal.SIGINT else "error: terminated (SIGTERM)"
    assert stderr.strip().splitlines() == [message], f"{where}: {stderr}"
    record = JobStore(home, "local").load(job.id)
    assert record.status == JobStatus.CANCELLED, f"{where}: job {record.status} {record.error}"
    assert record.finished_at is not None
    if output is not None:
        assert not output.exists() or not any(output.iterdir()), f"{where}: output left"
    assert took < BOUND_SECONDS


@pytest.mark.parametrize("group", range(GROUPS))
def test_a_signal_at_a_random_moment_stops_a_long_query(home: Path, group: int) -> None:
    rng = random.Random(f"{SEED}-{group}")
    for n in range(TRIALS_PER_GROUP):
        trial(home, rng, f"seed {SEED} (MASON_SIGNAL_SEED), group {group}, trial {n}")
