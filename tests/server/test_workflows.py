"""Workflows over HTTP: list, describe, validate (the plan), deploy, run now or
in the background, and read the run records."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import Live

PARAMS = {"step_1": {"parameters": {"database_name": "demo", "storage_path": "data/sales"}}}
BASE = "/api/workflows/table/infer"


def test_list_and_describe(live: Live) -> None:
    names = {(w["namespace"], w["command"]) for w in live.get("/api/workflows").json()["Data"]}
    assert ("table", "infer") in names
    (one,) = live.get(BASE).json()["Data"]
    assert [s["id"] for s in one["steps"]] == ["step_1"]
    assert live.get("/api/workflows/table/nope").status_code == 404


def test_validate_returns_the_plan(live: Live) -> None:
    answer = live.post(f"{BASE}/validate", {"parameters": PARAMS})
    assert answer.status_code == 200, answer.text
    (row,) = answer.json()["Data"]
    assert row["step"] == "step_1" and row["operator"] == "table infer"
    assert row["parameters"]["database_name"] == "demo"


def test_invalid_workflow_parameters_are_400_listing_each_problem(live: Live) -> None:
    bad = {"step_1": {"parameters": {"storage_path": "data/sales", "bogus": 1}}, "step_9": {}}
    answer = live.post(f"{BASE}/validate", {"parameters": bad})
    assert answer.status_code == 400
    (error,) = answer.json()["Errors"]
    assert "step_1" in error and "bogus" in error and "database_name" in error
    assert "step_9" in error


def test_run_now_and_read_the_record(live: Live) -> None:
    answer = live.post(f"{BASE}/run", {"parameters": PARAMS})
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()["Data"][0]
    assert record["status"] == "succeeded"
    assert record["steps"][0]["status"] == "succeeded"

    status = live.get(f"/api/workflows/runs/{record['run_id']}")
    assert status.status_code == 200
    assert status.json()["Data"][0]["status"] == "succeeded"
    runs = live.get("/api/workflows/runs", params={"workflow": "table infer"}).json()["Data"]
    assert record["run_id"] in [r["run_id"] for r in runs]
    # the step really ran on the local client
    listed = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert [t["Name"] for t in listed.json()["Data"]] == ["sales"]


def test_run_in_the_background_and_poll(live: Live) -> None:
    started = live.post(f"{BASE}/run?async=true", {"parameters": PARAMS, "parallel": 2})
    assert started.status_code == 202, started.text
    run = started.json()["Data"][0]
    assert started.headers["Location"] == run["href"] == f"/api/workflows/runs/{run['run_id']}"
    done = live.wait_for(run["href"], lambda r: r["status"] not in ("running",))
    assert done["status"] == "succeeded" and done["parallel"] == 2


def test_a_failing_run_is_500_with_its_record_and_no_secret(live: Live) -> None:
    key = "wf-secret-value-42"
    body = {"parameters": {"boom": {"parameters": {"api_key": key}}}}
    answer = live.post("/api/workflows/servertest/crashy/run", body)
    assert answer.status_code == 500
    envelope = answer.json()
    assert envelope["Data"][0]["status"] == "failed"
    assert envelope["Data"][0]["steps"][0]["status"] == "failed"
    assert "Traceback" not in answer.text and key not in answer.text

    plan = live.post("/api/workflows/servertest/crashy/validate", body).json()["Data"]
    assert plan[0]["parameters"]["api_key"] == "REDACTED"
    deployed = live.post("/api/workflows/servertest/crashy/deploy", body)
    assert deployed.status_code == 200, deployed.text
    assert deployed.json()["Data"][0]["Steps"][0]["Parameters"]["api_key"] == "REDACTED"
    assert key not in deployed.text


def test_deploy_registers_with_the_scheduler(live: Live) -> None:
    answer = live.post(f"{BASE}/deploy", {"parameters": PARAMS, "schedule": "0 3 * * *"})
    assert answer.status_code == 200, answer.text
    (dag,) = answer.json()["Data"]
    assert dag["Schedule"]["Expression"] == "0 3 * * *"
    assert [s["Id"] for s in dag["Steps"]] == ["step_1"]
    bad = live.post(f"{BASE}/deploy", {"parameters": PARAMS, "schedule": "every day"})
    assert bad.status_code == 400


def test_unknown_runs_are_404(live: Live) -> None:
    for run_id in ("20990101T000000-abcdef", "not a run id!", "..%2F..%2Fetc"):
        answer = live.get(f"/api/workflows/runs/{run_id}")
        assert answer.status_code == 404, run_id
