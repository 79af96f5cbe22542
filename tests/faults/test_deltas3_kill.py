"""A Delta table on S3 survives SIGKILL during appends.

moto's S3 server runs in its own process on 127.0.0.1 (one request at a time,
as S3 serves a conditional put atomically: see tests/aws/_s3_delta_moto.py).
A child process appends batches through Mason's operators (s3 metastore,
``table write``) and is killed with SIGKILL at varying points. Afterwards
deltalake, opened directly on the table's S3 prefix, must read every version
the log records, hold every batch the child reported committed, at most the
one in flight besides, and no batch in part; the table takes the next write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mason
from mason_core.runtime import reset_sessions
from tests.aws._s3_delta_moto import delta_options, serial_moto
from tests.aws.conftest import aws_environment

from ._iceberg import kill, spawn, wait_for

BATCH = 2000
URI = "s3://mason-data/events/"


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with serial_moto() as url:
        yield url


options = delta_options


@pytest.fixture
def table(moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """mason-data.events on S3, a Delta table of one batch; a MASON_HOME whose
    current configuration serves it (s3 metastore); that home returned."""
    import urllib.request

    import boto3
    import pyarrow as pa
    from deltalake import write_deltalake

    for name, value in aws_environment(moto).items():
        monkeypatch.setenv(name, value)
    request = urllib.request.Request(f"{moto}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    boto3.client("s3", endpoint_url=moto).create_bucket(Bucket="mason-data")
    rows = {
        "event_id": pa.array(range(BATCH), pa.int64()),
        "kind": ["seed"] * BATCH,
        "value": [1.0] * BATCH,
    }
    write_deltalake(URI, pa.table(rows), storage_options=options(moto))
    home = tmp_path / "home"
    monkeypatch.setenv("MASON_HOME", str(home))
    reset_sessions()
    config = tmp_path / "config.yaml"
    config.write_text(
        "type: config\nid: '4'\nmetastore_engine: s3\nstorage_engine: s3\n"
        f"execution_engine: local\nclients:\n  s3:\n    configuration:\n"
        f"      endpoint_url: {moto}\n  local:\n    configuration: {{}}\n"
    )
    session = mason.Session(home)
    session.home.ensure()
    session.configs.save(session.configs.read_file(config))
    session.configs.set_current("4")
    yield home
    reset_sessions()


def intact(url: str) -> Any:
    """The table now: every version the log records reads (its files exist)."""
    from deltalake import DeltaTable

    current = DeltaTable(URI, storage_options=options(url))
    for entry in current.history():
        version = int(entry["version"])
        DeltaTable(URI, version=version, storage_options=options(url)).to_pyarrow_table()
    return current


def ids(table: Any) -> list[int]:
    return sorted(table.to_pyarrow_table(columns=["event_id"]).column(0).to_pylist())


APPENDS = """
    for i in range(1, 400):
        path = f"{sys.argv[1]}/b{i}.parquet"
        batch(path, i * 2000, 2000)
        ok(mason.run("table", "write", database_name="mason-data", table_name="events",
                     input_path=path))
        print(i, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.13, 0.31, 0.57])
def test_sigkill_during_s3_appends_leaves_the_old_or_the_new_version(
    moto: str, table: Path, tmp_path: Path, delay: float
) -> None:
    batches = tmp_path / "batches"
    batches.mkdir()
    child = spawn(table, APPENDS.replace("sys.argv[1]", repr(str(batches))))
    wait_for(child.stdout, "2", timeout=300)  # two commits made: the next is under way
    time.sleep(delay)
    reported = {int(x) for x in ["1", "2", *kill(child)] if x.isdigit()}
    current = intact(moto)
    found = ids(current)
    assert len(found) == len(set(found)), "a batch was committed twice"
    landed = {i // BATCH for i in found} - {0}
    # every reported commit is there; at most the one in flight landed unreported
    assert reported <= landed and len(landed - reported) <= 1
    assert len(found) == BATCH * (1 + len(landed)), "a batch landed partly"
    assert current.version() == len(landed)  # one version per batch, no gap
    response = mason.run(
        "table", "write", database_name="mason-data", table_name="events", input_path=str(batches)
    )
    assert response.ok, response.errors
    assert intact(moto).version() == len(landed) + 1
