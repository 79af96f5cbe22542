"""Readers of the local catalog never wait for writers, and a catalog they may
not write can still be read (docs/local.md, docs/safety.md).

Real processes throughout: ``mason`` CLIs reading, a mason process stopped
(SIGSTOP) inside a write transaction, and readers the kernel holds to the file
modes (root without CAP_DAC_OVERRIDE, through ``setpriv``; the tests that need
that skip when not run as root, as they cannot drop what they do not have).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults._signals import cli, cli_unprivileged, stopped_writer

pytestmark = pytest.mark.slow

#: well under the catalog's 60 s busy timeout: a read that waits for the
#: stopped writer times out here instead of answering.
READ_TIMEOUT = 30

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="drops root's CAP_DAC_OVERRIDE with setpriv: needs root and setpriv",
)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    import duckdb

    src = tmp_path / "src"
    src.mkdir()
    duckdb.execute(
        f"COPY (SELECT range AS id FROM range(10)) TO '{src / 'p.parquet'}' (FORMAT parquet)"
    )
    home = tmp_path / "home"
    done = cli("op", "table", "infer", "-p", f'storage_path:"{src}",database_name:lake', home=home)
    assert done.returncode == 0, done.stderr
    yield home
    for path in [home, *home.rglob("*")]:  # let pytest remove what a test made read-only
        if path.is_dir():
            path.chmod(0o755)


def catalog_file(home: Path) -> Path:
    return home / "clients" / "local" / "catalog.sqlite"


def reads(home: Path, run: Callable[..., subprocess.CompletedProcess[str]] = cli) -> None:
    """``table list``, ``table get`` and ``table query`` each answer (new processes)."""
    listed = run("op", "table", "list", "-p", "database_name:lake", home=home, timeout=READ_TIMEOUT)
    assert listed.returncode == 0, listed.stderr
    assert [t["Name"] for t in json.loads(listed.stdout)["Data"]] == ["src"]
    got = run(
        "op", "table", "get", "-p", "database_name:lake,table_name:src",
        home=home, timeout=READ_TIMEOUT,
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    query = 'database_name:lake,query_string:"SELECT sum(id) AS s FROM src"'
    answered = run("op", "table", "query", "-p", query, home=home, timeout=READ_TIMEOUT)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["Data"][0]["Status"] == "succeeded"


def test_a_writer_stopped_inside_a_transaction_does_not_hold_up_readers(home: Path) -> None:
    writer = stopped_writer(catalog_file(home))
    try:
        reads(home)
    except subprocess.TimeoutExpired:
        pytest.fail("a read waited for the stopped writer's lock")
    finally:
        writer.send_signal(signal.SIGCONT)
        writer.wait(timeout=30)
    assert writer.returncode == 0


@needs_root
def test_a_read_only_home_can_be_read_and_is_left_as_it_was(home: Path) -> None:
    before = sorted(p.name for p in catalog_file(home).parent.iterdir())
    for path in [home, *home.rglob("*")]:  # mode 555 folders, 444 files
        path.chmod(0o555 if path.is_dir() else 0o444)
    reads(home, cli_unprivileged)
    assert sorted(p.name for p in catalog_file(home).parent.iterdir()) == before
    refused = cli_unprivileged(
        "op", "table", "delete", "-p", "database_name:lake,table_name:src", home=home
    )
    assert refused.returncode != 0 and "read-only" in refused.stdout + refused.stderr
    # the permissions fixed, the same account writes: nothing was left to stop it
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    deleted = cli_unprivileged(
        "op", "table", "delete", "-p", "database_name:lake,table_name:src", home=home
    )
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr


@needs_root
def test_a_read_only_catalog_file_leaves_no_shm_that_blocks_writes_later(home: Path) -> None:
    catalog = catalog_file(home)
    catalog.chmod(0o444)  # its folder stays writable: a reader could create -shm there
    reads(home, cli_unprivileged)
    assert not Path(f"{catalog}-shm").exists() and not Path(f"{catalog}-wal").exists()
    catalog.chmod(0o644)
    deleted = cli_unprivileged(
        "op", "table", "delete", "-p", "database_name:lake,table_name:src", home=home
    )
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
