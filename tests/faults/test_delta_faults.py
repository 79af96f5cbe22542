"""Delta tables survive SIGKILL and concurrent writers.

A child process runs Mason's operators on a shared MASON_HOME (real SQLite
catalog, a real Delta folder written by delta-rs) and is killed with SIGKILL
at varying points of appends, an upsert and a compaction. Afterwards
deltalake, opened directly on the folder, must find the table readable at
the old or the new version, every version's files present, and no committed
row lost or half-written.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mason
from mason_core.runtime import reset_sessions

from ._iceberg import kill, spawn, wait_for

BATCH = 2000


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """lake.events, a Delta table of one batch (ids 0..), in a MASON_HOME."""
    import pyarrow as pa
    from deltalake import write_deltalake

    home = tmp_path / "home"
    monkeypatch.setenv("MASON_HOME", str(home))
    reset_sessions()
    path = tmp_path / "events"
    rows = {
        "event_id": pa.array(range(BATCH), pa.int64()),
        "kind": ["seed"] * BATCH,
        "value": [1.0] * BATCH,
    }
    write_deltalake(str(path), pa.table(rows))
    response = mason.run("table", "infer", storage_path=str(path), database_name="lake")
    assert response.ok, response.errors
    yield path
    reset_sessions()


def intact(path: Path) -> Any:
    """The table now: every version the log records reads (its files exist)."""
    from deltalake import DeltaTable

    current = DeltaTable(str(path))
    for entry in current.history():
        DeltaTable(str(path), version=int(entry["version"])).to_pyarrow_table()
    return current


def rows(table: Any) -> list[tuple[int, str]]:
    data = table.to_pyarrow_table(columns=["event_id", "kind"]).to_pydict()
    return sorted(zip(data["event_id"], data["kind"], strict=True))


def ids(table: Any) -> list[int]:
    return [i for i, _ in rows(table)]


APPENDS = """
    for i in range(1, 400):
        path = f"{sys.argv[1]}/b{i}.parquet"
        batch(path, i * 2000, 2000)
        ok(mason.run("table", "write", database_name="lake", table_name="events", input_path=path))
        print(i, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.11, 0.29, 0.53])
def test_sigkill_during_appends_keeps_every_committed_batch(
    table: Path, tmp_path: Path, delay: float
) -> None:
    batches = tmp_path / "batches"
    batches.mkdir()
    child = spawn(table.parent / "home", APPENDS.replace("sys.argv[1]", repr(str(batches))))
    wait_for(child.stdout, "2")  # two commits made: the next ones are under way
    time.sleep(delay)
    reported = {int(x) for x in ["1", "2", *kill(child)] if x.isdigit()}
    found = ids(intact(table))
    assert len(found) == len(set(found)), "a batch was committed twice"
    landed = {i // BATCH for i in found} - {0}
    # every reported commit is there; at most the one in flight landed unreported
    assert reported <= landed and len(landed - reported) <= 1
    assert len(found) == BATCH * (1 + len(landed)), "a batch landed partly"
    # and the table takes the next write
    response = mason.run(
        "table", "write", database_name="lake", table_name="events", input_path=str(batches)
    )
    assert response.ok, response.errors


UPSERT = """
    path = f"{sys.argv[1]}/changes.parquet"
    pq.write_table(pa.table({
        "event_id": pa.array(range(0, 4000), pa.int64()),
        "kind": ["changed"] * 4000,
        "value": [2.0] * 4000,
    }), path)
    print("start", flush=True)
    ok(mason.run("table", "merge", input_path=path, database_name="lake", table_name="events",
                 keys=["event_id"]))
    print("done", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4])
def test_sigkill_during_an_upsert_leaves_the_old_or_the_new_version(
    table: Path, tmp_path: Path, delay: float
) -> None:
    before = rows(intact(table))
    child = spawn(table.parent / "home", UPSERT.replace("sys.argv[1]", repr(str(tmp_path))))
    wait_for(child.stdout, "start")
    time.sleep(delay)
    printed = kill(child)
    after = intact(table)
    new = [(i, "changed") for i in range(4000)]
    assert rows(after) in (before, new)
    if "done" in printed:
        assert rows(after) == new
    assert after.version() in (0, 1)


def test_sigkill_during_compact_keeps_every_row(table: Path) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    for i in range(1, 31):
        small = {
            "event_id": pa.array(range(i * BATCH, i * BATCH + 50), pa.int64()),
            "kind": ["small"] * 50,
            "value": [1.0] * 50,
        }
        write_deltalake(str(table), pa.table(small), mode="append")
    before = intact(table)
    expected = rows(before)
    for delay in (0.0, 0.1, 0.3):
        child = spawn(
            table.parent / "home",
            """
            print("start", flush=True)
            ok(mason.run("table", "compact", database_name="lake", table_name="events"))
            print("done", flush=True)
            """,
        )
        wait_for(child.stdout, "start")
        time.sleep(delay)
        kill(child)
        assert rows(intact(table)) == expected
    response = mason.run("table", "compact", database_name="lake", table_name="events")
    assert response.ok, response.errors
    after = intact(table)
    assert rows(after) == expected and len(after.file_uris()) == 1


WRITER = """
    for i in range(10):
        n = OFFSET + i
        path = f"{DIR}/w{n}.parquet"
        batch(path, n * 2000, 2000)
        ok(mason.run("table", "write", database_name="lake", table_name="events", input_path=path))
        print(n, flush=True)
"""


def test_two_concurrent_writers_lose_no_row(table: Path, tmp_path: Path) -> None:
    folder = tmp_path / "writers"
    folder.mkdir()
    children = [
        spawn(
            table.parent / "home",
            WRITER.replace("OFFSET", str(offset)).replace("DIR", repr(str(folder))),
        )
        for offset in (100, 200)
    ]
    outputs = [child.communicate(timeout=600) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, out + err
    committed = {int(x) for out, _ in outputs for x in out.split() if x.isdigit()}
    assert len(committed) == 20
    found = ids(intact(table))
    assert len(found) == len(set(found))
    assert {i // BATCH for i in found} == committed | {0}
    assert len(found) == BATCH * 21
