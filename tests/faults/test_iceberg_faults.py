"""Iceberg tables survive SIGKILL and concurrent writers.

A child process runs Mason's operators on a shared MASON_HOME (real SQLite
catalog, real files) and is killed with SIGKILL at varying points of a
commit, a compaction and an expiry. Afterwards pyiceberg, opened directly on
the catalog, must find the table readable at the old or the new snapshot,
every file any snapshot references present, and no committed row lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import mason
from mason_core.runtime import reset_sessions

from ._iceberg import catalog, check_intact, event_ids, kill, spawn, wait_for

BATCH = 2000


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """MASON_HOME holding lake.events, an Iceberg table of one batch (ids 0..)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    home = tmp_path / "home"
    monkeypatch.setenv("MASON_HOME", str(home))
    reset_sessions()
    data = tmp_path / "seed"
    data.mkdir()
    pq.write_table(
        pa.table(
            {
                "event_id": pa.array(range(BATCH), pa.int64()),
                "kind": ["seed"] * BATCH,
                "value": [1.0] * BATCH,
            }
        ),
        data / "part-0.parquet",
    )
    response = mason.run(
        "table",
        "infer",
        storage_path=str(data),
        database_name="lake",
        table_name="events",
        format="iceberg",
    )
    assert response.ok, response.errors
    yield home
    reset_sessions()


APPENDS = """
    for i in range(1, 400):
        path = f"{sys.argv[1]}/b{i}.parquet"
        batch(path, i * 2000, 2000)
        ok(mason.run("table", "write", database_name="lake", table_name="events", input_path=path))
        print(i, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.13, 0.37, 0.71])
def test_sigkill_during_appends_keeps_every_committed_batch(
    home: Path, tmp_path: Path, delay: float
) -> None:
    batches = tmp_path / "batches"
    batches.mkdir()
    child = spawn(home, APPENDS.replace("sys.argv[1]", repr(str(batches))))
    wait_for(child.stdout, "2")  # two commits made: the next ones are under way
    time.sleep(delay)
    reported = {int(x) for x in ["1", "2", *kill(child)] if x.isdigit()}
    table = check_intact(home)
    ids = event_ids(table)
    assert len(ids) == len(set(ids)), "a batch was committed twice"
    landed = {i // BATCH for i in ids} - {0}
    # every reported commit is there; at most the one in flight landed unreported
    assert reported <= landed and len(landed - reported) <= 1
    assert len(ids) == BATCH * (1 + len(landed)), "a batch landed partly"


def small_files(home: Path, n: int) -> None:
    table = catalog(home).load_table(("lake", "events"))
    import pyarrow as pa

    for i in range(1, n + 1):
        table.append(
            pa.table(
                {
                    "event_id": pa.array(range(i * BATCH, i * BATCH + 50), pa.int64()),
                    "kind": ["small"] * 50,
                    "value": [1.0] * 50,
                }
            )
        )


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_sigkill_during_compact_leaves_old_or_new_snapshot(home: Path, delay: float) -> None:
    small_files(home, 30)
    before = check_intact(home)
    ids = event_ids(before)
    child = spawn(
        home,
        """
        print("start", flush=True)
        ok(mason.run("table", "compact", database_name="lake", table_name="events"))
        print("done", flush=True)
        """,
    )
    wait_for(child.stdout, "start")
    time.sleep(delay)
    kill(child)
    after = check_intact(home)
    current = after.current_snapshot().snapshot_id
    parent = after.current_snapshot().parent_snapshot_id
    assert current == before.current_snapshot().snapshot_id or (
        parent == before.current_snapshot().snapshot_id
        and after.current_snapshot().summary.operation.value in ("overwrite", "replace")
    )
    assert event_ids(after) == ids
    # and a compaction run to the end afterwards still keeps every row
    response = mason.run("table", "compact", database_name="lake", table_name="events")
    assert response.ok, response.errors
    assert event_ids(check_intact(home)) == ids


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_sigkill_during_expire_deletes_nothing_referenced(home: Path, delay: float) -> None:
    small_files(home, 25)
    assert mason.run("table", "compact", database_name="lake", table_name="events").ok
    ids = event_ids(check_intact(home))
    child = spawn(
        home,
        """
        print("start", flush=True)
        ok(mason.run("table", "expire", database_name="lake", table_name="events",
                     older_than_days=0))
        print("done", flush=True)
        """,
    )
    wait_for(child.stdout, "start")
    time.sleep(delay)
    kill(child)
    after = check_intact(home)  # whichever snapshots remain, all their files are there
    assert event_ids(after) == ids
    response = mason.run(
        "table", "expire", database_name="lake", table_name="events", older_than_days=0
    )
    assert response.ok, response.errors
    final = check_intact(home)
    assert len(final.metadata.snapshots) == 1 and event_ids(final) == ids


WRITER = """
    for i in range(12):
        n = OFFSET + i
        path = f"{DIR}/w{n}.parquet"
        batch(path, n * 2000, 2000)
        ok(mason.run("table", "write", database_name="lake", table_name="events", input_path=path))
        print(n, flush=True)
"""


def test_two_concurrent_writers_lose_no_row(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "writers"
    folder.mkdir()
    children = [
        spawn(home, WRITER.replace("OFFSET", str(offset)).replace("DIR", repr(str(folder))))
        for offset in (100, 200)
    ]
    outputs = [child.communicate(timeout=600) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, out + err
    committed = {int(x) for out, _ in outputs for x in out.split() if x.isdigit()}
    assert len(committed) == 24
    ids = event_ids(check_intact(home))
    assert len(ids) == len(set(ids))
    assert {i // BATCH for i in ids} == committed | {0}
    assert len(ids) == BATCH * 25
