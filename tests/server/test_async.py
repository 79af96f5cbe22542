"""``?async=true``: 202 with a run id at once, the server keeps answering while
the run goes on, and the status endpoint reports its outcome."""

from __future__ import annotations

import time
from pathlib import Path

from tests.server.conftest import Live


def test_a_long_run_does_not_block_the_server(live: Live, tmp_path: Path) -> None:
    release = tmp_path / "release"
    started = live.post(
        "/api/operators/servertest/wait/run?async=true",
        {"parameters": {"release_file": str(release)}},
    )
    assert started.status_code == 202
    run = started.json()["Data"][0]
    assert run["status"] == "running" and run["name"] == "servertest wait"
    assert started.headers["Location"] == run["href"] == f"/api/runs/{run['run_id']}"

    # the run is blocked on the file; the server still answers, and says so
    t0 = time.monotonic()
    assert live.get("/api/health").status_code == 200
    assert live.get(run["href"]).json()["Data"][0]["status"] == "running"
    assert time.monotonic() - t0 < 5
    assert run["run_id"] in [r["run_id"] for r in live.get("/api/runs").json()["Data"]]

    release.touch()
    done = live.wait_for(run["href"], lambda r: r["status"] != "running")
    assert done["status"] == "succeeded" and done["http_status"] == 200
    assert done["result"]["Data"] == [{"released": True}]
    assert done["finished_at"] is not None


def test_async_table_infer_then_list(live: Live) -> None:
    started = live.post(
        "/api/operators/table/infer/run",
        {"parameters": {"storage_path": "data/sales", "database_name": "demo"}},
        params={"async": "true"},
    )
    assert started.status_code == 202
    done = live.wait_for(started.json()["Data"][0]["href"], lambda r: r["status"] != "running")
    assert done["status"] == "succeeded"
    assert done["result"]["Data"][0]["Name"] == "sales"
    listed = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert [t["Name"] for t in listed.json()["Data"]] == ["sales"]


def test_a_failing_async_run_reports_failure(live: Live) -> None:
    started = live.post(
        "/api/operators/servertest/crash/run?async=true", {"parameters": {"api_key": "k3y-k3y-k3y"}}
    )
    assert started.status_code == 202
    done = live.wait_for(started.json()["Data"][0]["href"], lambda r: r["status"] != "running")
    assert done["status"] == "failed" and done["http_status"] == 500
    assert done["result"]["Errors"][0].startswith("RuntimeError: client exploded")
    assert "k3y-k3y-k3y" not in str(done)


def test_async_bad_input_is_refused_before_starting(live: Live) -> None:
    answer = live.post(
        "/api/operators/table/infer/run?async=true",
        {"parameters": {"storage_path": "/etc", "database_name": "demo"}},
    )
    assert answer.status_code == 400
    assert live.get("/api/runs").json()["Data"] == []
    bad_flag = live.post("/api/operators/table/list/run?async=perhaps", {})
    assert bad_flag.status_code == 400
    assert "async" in bad_flag.json()["Errors"][0]
