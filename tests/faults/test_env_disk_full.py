"""A full disk under MASON_HOME or under an output (real tmpfs mounts): every
write Mason makes fails with one line naming the path and "no space left on
device", exit 1, never ``internal error:`` nor a traceback; reading the
catalog still works; a cache that cannot be written costs nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mason.sdk.state import NoSpaceError, writing

from ._env import fill, mount_tmpfs, one_error_line, run_mason, unmount

OPERATORS = Path(__file__).resolve().parents[1] / "workflows" / "fixtures" / "operators"
WORKFLOW = """\
type: workflow
namespace: testing
command: tick
dag:
  - id: a
    namespace: testing
    command: echo
"""
CONFIG = "id: mine\nmetastore_engine: local\nstorage_engine: local\nexecution_engine: local\n"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("a full disk is a real tmpfs mount, and mounting one needs root")
    mount = tmp_path / "small"
    mount_tmpfs(mount, "16m")
    try:
        yield mount
    finally:
        unmount(mount)


def no_space(done: object, path: Path) -> str:
    """The single error line of a write that met the full disk at ``path``."""
    assert getattr(done, "returncode", None) == 1, getattr(done, "stderr", done)
    line = one_error_line(getattr(done, "stderr", ""))
    assert "internal error" not in line and "Errno" not in line, line
    assert "no space left on device" in line and str(path) in line, line
    return line


def test_every_write_to_a_full_mason_home_is_one_line(tmpfs: Path, tmp_path: Path) -> None:
    home, data = tmpfs / "home", tmpfs / "data"
    ok = run_mason(
        "op", "table", "fake", "-p", f"database_name:d,table_name:t,output_path:{data},rows:5",
        home=home,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "workflow.yaml").write_text(WORKFLOW, "utf-8")
    for path in (OPERATORS, tmp_path / "wf"):
        assert run_mason("register", str(path), home=home).returncode == 0
    params, config = tmp_path / "p.yaml", tmp_path / "mine.yaml"
    params.write_text("a:\n  parameters:\n    message: hi\n", "utf-8")
    config.write_text(CONFIG, "utf-8")
    for cached in (home / "cache").glob("*.json"):
        cached.unlink()  # the next command must write the registry index again
    fill(tmpfs)

    # reads work, and the index that cannot be written costs nothing
    listed = run_mason("op", "table", "list", "-p", "database_name:d", "-o", "json", home=home)
    assert listed.returncode == 0, listed.stderr
    assert [t["Name"] for t in json.loads(listed.stdout)["Data"]] == ["t"]
    got = run_mason("op", "table", "get", "-p", "database_name:d,table_name:t", home=home)
    assert got.returncode == 0 and json.loads(got.stdout)["Data"][0]["Location"] == str(data)
    assert run_mason("op", home=home).returncode == 0

    table = ["-o", "table"]
    no_space(
        run_mason("op", "table", "infer", "-p", f"database_name:e,storage_path:{data}", *table,
                  home=home),
        home / "clients" / "local" / "catalog.sqlite",
    )  # fmt: skip
    no_space(
        run_mason("op", "table", "fake", "-p", f"output_path:{tmpfs / 'more'},rows:50000", *table,
                  home=home),
        home / "tmp",
    )  # fmt: skip
    no_space(run_mason("config", str(config), home=home), home / "configurations")
    no_space(run_mason("config", "-s", "default", home=home), home / "state.json")
    no_space(run_mason("register", str(OPERATORS), home=home), home / "registered_operators")
    no_space(
        run_mason("op", "table", "merge", "-p", f"input_path:{data},output_path:{tmpfs / 'm'}",
                  *table, home=home),
        home / "clients" / "local" / "jobs",
    )  # fmt: skip
    no_space(
        run_mason("wf", "testing", "tick", "-f", str(params), "-r", *table, home=home),
        home / "runs",
    )
    # and the catalog is still whole and readable
    again = run_mason("op", "table", "list", "-p", "database_name:d", "-o", "json", home=home)
    assert [t["Name"] for t in json.loads(again.stdout)["Data"]] == ["t"]


def test_outputs_on_a_full_disk_are_one_line_and_leave_nothing(tmpfs: Path, tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    ok = run_mason(
        "op", "table", "fake", "-p", f"database_name:d,table_name:t,output_path:{data},rows:20000",
        home=home,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    fill(tmpfs)
    before = sorted(p.name for p in tmpfs.iterdir())
    for operator, params, out in (
        ("fake", "rows:20000,output_path:{out}", tmpfs / "fake"),
        ("merge", f"input_path:{data},output_path:{{out}}", tmpfs / "merged"),
        ("format", "database_name:d,table_name:t,format:csv,output_path:{out}", tmpfs / "csv"),
    ):
        done = run_mason(
            "op", "table", operator, "-p", params.format(out=out), "-o", "table", home=home
        )
        no_space(done, out)
        assert sorted(p.name for p in tmpfs.iterdir()) == before, operator  # no staging left


def test_a_full_disk_elsewhere_is_named_where_it_is(tmpfs: Path, tmp_path: Path) -> None:
    # DuckDB spilling to a full temporary folder while writing an output on
    # another disk: the line names the file DuckDB could not write, not the output
    import duckdb

    fill(tmpfs)
    spilled = tmpfs / "spill.parquet"
    with pytest.raises(NoSpaceError) as raised, writing(tmp_path / "out" / "data.parquet"):
        duckdb.connect().execute(
            f"COPY (SELECT range AS i FROM range(100000)) TO '{spilled}' (FORMAT parquet)"
        )
    assert raised.value.message == f"cannot write {spilled}: no space left on device"
    assert raised.value.exit_code == 1
