"""A local database holding one stale table-format entry: an Iceberg table
whose current metadata file was deleted, a Delta table whose ``_delta_log``
was removed (its parquet files left behind). Real SQLite catalogs, pyiceberg,
delta-rs, DuckDB; nothing is mocked.

``table list`` still lists the database (the stale table with its format and
why it cannot be read, and a warning naming it); ``table get`` of it fails in
one line naming what is gone; a query not naming it runs, one naming it is
refused in one line, its parquet files never read."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models

Run = Callable[..., mason.Response]


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def break_iceberg(run: Run, tmp_path: Path) -> str:
    """``lake.broken``, an Iceberg table of ids 100 and 200, its metadata file deleted."""
    source = write_parquet(
        tmp_path / "src" / "broken" / "part-0.parquet", [{"id": 100}, {"id": 200}]
    )
    run("table", "infer", storage_path=str(source.parent), database_name="lake", format="iceberg")
    table = run("table", "get", database_name="lake", table_name="broken").data[0]
    assert isinstance(table, models.Table) and table.format_metadata is not None
    metadata = str(table.format_metadata.metadata_location).removeprefix("file://")
    Path(metadata).unlink()
    from mason_local.iceberg import tables

    # the metadata this process parsed already: a CLI run, a process of its own, has none
    tables._tables.clear()
    return Path(metadata).name


def break_delta(run: Run, tmp_path: Path) -> str:
    """``lake.broken``, a Delta table of ids 100 and 200, its ``_delta_log`` removed."""
    import pyarrow as pa
    from deltalake import write_deltalake

    folder = tmp_path / "delta" / "broken"
    write_deltalake(str(folder), pa.table({"id": [100, 200]}))
    run("table", "infer", storage_path=str(folder), database_name="lake")
    shutil.rmtree(folder / "_delta_log")
    return "_delta_log"


STALE = {"iceberg": break_iceberg, "delta": break_delta}


@pytest.fixture(params=sorted(STALE))
def stale(request: pytest.FixtureRequest, run: Run, tmp_path: Path) -> tuple[str, str]:
    """Database ``lake``: the plain table ``plain`` (id 7) and the stale table
    ``broken``; its format and what its error names."""
    plain = write_parquet(tmp_path / "src" / "plain" / "p.parquet", [{"id": 7}])
    run("table", "infer", storage_path=str(plain.parent), database_name="lake")
    missing = STALE[request.param](run, tmp_path)
    return str(request.param), missing


def test_table_list_lists_a_local_database_with_a_stale_entry(stale: tuple[str, str]) -> None:
    fmt, missing = stale
    response = mason.run("table", "list", database_name="lake")
    assert response.errors == [] and response.exit_code == 0, response.errors
    listed = {t.name: t for t in response.data}
    assert {n: t.format for n, t in listed.items()} == {"broken": fmt, "plain": "parquet"}
    problem = listed["broken"].unreadable
    assert problem is not None and "\n" not in problem and missing in problem
    assert listed["plain"].unreadable is None
    assert any("'lake.broken'" in w and missing in w for w in response.warnings), response.warnings

    got = mason.run("table", "get", database_name="lake", table_name="broken")
    assert got.exit_code == 1 and len(got.errors) == 1, got.errors
    assert "\n" not in got.errors[0] and missing in got.errors[0]


def test_table_query_over_a_local_database_with_a_stale_entry(stale: tuple[str, str]) -> None:
    _, missing = stale
    response = mason.run(
        "table", "query", database_name="lake", query_string="SELECT id FROM plain"
    )
    assert response.errors == [], response.errors
    assert [str(r["id"]) for r in response.data[0].preview] == ["7"]
    assert any("'lake.broken'" in w for w in response.warnings), response.warnings

    refused = mason.run(
        "table", "query", database_name="lake", query_string="SELECT id FROM broken"
    )
    assert refused.exit_code == 1 and len(refused.errors) == 1, refused.errors
    assert "\n" not in refused.errors[0] and missing in refused.errors[0]
    assert "100" not in str(refused.data)
