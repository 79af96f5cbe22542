"""``MasonOperator`` in DAG files written by hand, on the real Airflow: a good
one runs its operator through Mason and leaves the envelope in XCom; a bad
parameter is refused when Airflow parses the file (a DAG import error)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .conftest import Mason

TEMPLATE = """
from airflow.sdk import DAG

from mason_airflow import MasonOperator

with DAG(dag_id={dag_id!r}, schedule=None, catchup=False) as dag:
    MasonOperator(
        task_id="infer",
        namespace="table",
        command="infer",
        config_id="af",
        mason_home={home!r},
        parameters={parameters!r},
    )
"""


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(2)


def test_mason_operator_runs_and_pushes_the_envelope(mason_cli: Mason) -> None:
    parameters = {
        "database_name": "hand",
        "storage_path": str(mason_cli.work / "samples" / "sales"),
        "table_name": "sales",
    }
    (mason_cli.server.dags / "hand_written_good.py").write_text(
        TEMPLATE.format(dag_id="hand_written_good", home=str(mason_cli.home), parameters=parameters)
    )
    with mason_cli.server.api() as api:
        wait_for("the DAG", lambda: api.get("/dags/hand_written_good").status_code == 200)
        api.patch("/dags/hand_written_good", json={"is_paused": False}).raise_for_status()
        run = api.post("/dags/hand_written_good/dagRuns", json={"logical_date": None})
        run_id = run.json()["dag_run_id"]

        def finished() -> str | None:
            state = api.get(f"/dags/hand_written_good/dagRuns/{run_id}").json()["state"]
            return state if state in ("success", "failed") else None

        assert wait_for("the run", finished) == "success"
        xcom = api.get(
            f"/dags/hand_written_good/dagRuns/{run_id}/taskInstances/infer/xcomEntries/return_value"
        ).json()["value"]
    assert xcom["Errors"] == []
    assert xcom["Data"][0]["Name"] == "sales"
    assert xcom["Data"][0]["Database"] == "hand"


def test_a_bad_parameter_is_a_dag_import_error(mason_cli: Mason) -> None:
    parameters = {"database_name": "hand", "storage_path": "x/", "colour": "blue"}
    (mason_cli.server.dags / "hand_written_bad.py").write_text(
        TEMPLATE.format(dag_id="hand_written_bad", home=str(mason_cli.home), parameters=parameters)
    )
    with mason_cli.server.api() as api:

        def import_error() -> str | None:
            for err in api.get("/importErrors").json()["import_errors"]:
                if str(err["filename"]).endswith("hand_written_bad.py"):
                    return str(err["stack_trace"])
            return None

        trace = wait_for("the import error", import_error)
        assert "unknown parameter colour" in trace
        assert api.get("/dags/hand_written_bad").status_code == 404
