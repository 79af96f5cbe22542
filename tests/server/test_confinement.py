"""Local paths reached through the API stay inside the root: path parameters
are refused before anything runs, and the local client itself is confined
(SQL included), whether the root comes from the server or the configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from mason_core.server.session import ServerSession
from tests.server.conftest import Live, start, write_sales

ESCAPES = ["/etc", "../..", "data/../../..", "file:///etc", "/"]


@pytest.mark.parametrize("path", ESCAPES)
def test_paths_outside_the_root_are_400_before_running(live: Live, path: str) -> None:
    for action in ("validate", "run"):
        answer = live.post(
            f"/api/operators/table/infer/{action}",
            {"parameters": {"storage_path": path, "database_name": "demo"}},
        )
        assert answer.status_code == 400, (action, answer.text)
        (error,) = answer.json()["Errors"]
        assert "parameter 'storage_path'" in error and "outside the local root" in error
    # nothing was registered
    listed = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert listed.status_code != 200


def test_output_paths_are_confined_too(live: Live) -> None:
    answer = live.post(
        "/api/operators/table/query/validate",
        {
            "parameters": {
                "database_name": "demo",
                "query_string": "select 1",
                "output_path": "../outside.csv",
            }
        },
    )
    assert answer.status_code == 400
    assert "parameter 'output_path'" in answer.json()["Errors"][0]
    assert not (live.root.parent / "outside.csv").exists()


def test_a_symlink_out_of_the_root_is_refused(live: Live, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_sales(outside)
    os.symlink(outside / "data", live.root / "link")
    answer = live.post(
        "/api/operators/table/infer/run",
        {"parameters": {"storage_path": "link/sales", "database_name": "demo"}},
    )
    assert answer.status_code == 400
    assert "outside the local root" in answer.json()["Errors"][0]


def test_paths_inside_the_root_work_absolute_or_relative(live: Live) -> None:
    for path, table in [(str(live.root / "data" / "sales"), "a"), ("data/sales/", "b")]:
        answer = live.post(
            "/api/operators/table/infer/run",
            {"parameters": {"storage_path": path, "database_name": "demo", "table_name": table}},
        )
        assert answer.status_code == 200, answer.text


def test_sql_cannot_read_outside_the_root(live: Live) -> None:
    live.post(
        "/api/operators/table/infer/run",
        {"parameters": {"storage_path": "data/sales", "database_name": "demo"}},
    )
    answer = live.post(
        "/api/operators/table/query/run",
        {
            "parameters": {
                "database_name": "demo",
                "query_string": "SELECT * FROM read_csv('/etc/passwd')",
            }
        },
    )
    assert answer.status_code in (400, 500)
    assert "root:" not in answer.text
    assert "Cannot access file" in answer.json()["Errors"][0]


def test_a_configured_client_root_is_kept(root: Path, home: Path, tmp_path: Path) -> None:
    """A configuration that sets its own root is confined by it, not by --root."""
    own = tmp_path / "own"
    write_sales(own)
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "mine",
                "metastore_engine": "local",
                "storage_engine": "local",
                "execution_engine": "local",
                "clients": {"local": {"configuration": {"root": str(own)}}},
            }
        )
    )
    store = ServerSession(home, root).configs
    store.save(store.read_file(config))
    store.set_current("mine")
    for live in start(root, home):
        shown = live.get("/api/configs/mine").json()["Data"][0]
        assert shown["Engines"]["storage"]["local"]["root"] == str(own)
        inside_own = live.post(
            "/api/operators/table/infer/run",
            {"parameters": {"storage_path": "data/sales", "database_name": "demo"}},
        )
        assert inside_own.status_code == 200, inside_own.text
        assert inside_own.json()["Data"][0]["Location"] == str(own / "data" / "sales")
        server_root = live.post(
            "/api/operators/table/infer/validate",
            {"parameters": {"storage_path": str(root / "data"), "database_name": "demo"}},
        )
        assert server_root.status_code == 400
