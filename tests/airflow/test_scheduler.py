"""Workflows on a real Airflow 3: deploy writes a DAG file Airflow parses, ``-r``
triggers it through the REST API and follows it while Airflow's LocalExecutor
runs each step through Mason (the local client doing the work), and run
records, job lookups and schedule deletion read Airflow back."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml

from .conftest import Mason
from .standalone import PASSWORD, airflow_config


def infer_params(mason: Mason) -> str:
    return mason.params(
        "infer",
        {
            "step_1": {
                "parameters": {
                    "database_name": "samples",
                    "storage_path": str(mason.work / "samples" / "sales"),
                    "table_name": "sales",
                }
            }
        },
    )


def validated_params(mason: Mason, query: str) -> str:
    table = {"database_name": "samples", "table_name": "${steps.step_1.Name}"}
    return mason.params(
        "validated",
        {
            "step_1": {
                "parameters": {
                    "database_name": "samples",
                    "storage_path": str(mason.work / "samples" / "sales"),
                    "table_name": "sales",
                }
            },
            "step_2": {"parameters": table},
            "step_3": {"parameters": {"database_name": "samples", "query_string": query}},
            "step_4": {"parameters": {"job_id": "${steps.step_3.Id}"}},
            "step_5": {"parameters": table},
        },
    )


def steps_of(envelope: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in envelope["Data"][0]["steps"]}


def test_deploy_writes_a_dag_file_airflow_parses_and_redeploy_replaces_it(
    mason_cli: Mason,
) -> None:
    params = infer_params(mason_cli)
    out = mason_cli.json("wf", "table", "infer", "-f", params, "-d")
    assert out["Data"][0]["Dag"] == "table_infer"
    dag_file = mason_cli.server.dags / "table_infer.py"
    text = dag_file.read_text()
    ast.parse(text)  # a Python file
    assert "MasonOperator(" in text and "config_id='af'" in text
    assert "retries=2" in text and "retry_exponential_backoff=2.0" in text
    assert PASSWORD not in text
    with mason_cli.server.api() as api:
        dag = api.get("/dags/table_infer").json()
        assert dag["is_paused"] is False
        assert dag["timetable_summary"] in (None, "None")

    # the same workflow again: the very same file, untouched
    before = dag_file.stat().st_mtime_ns
    mason_cli.json("wf", "table", "infer", "-f", params, "-d")
    assert dag_file.stat().st_mtime_ns == before and dag_file.read_text() == text

    out = mason_cli.json("wf", "table", "infer", "-f", params, "-d", "--schedule", "0 2 * * *")
    assert out["Data"][0]["Schedule"] == "0 2 * * *"
    assert "schedule='0 2 * * *'" in dag_file.read_text()
    with mason_cli.server.api() as api:
        dag = api.get("/dags/table_infer").json()
        assert "0 2 * * *" in str(dag["timetable_summary"])
        assert sorted(p.name for p in mason_cli.server.dags.glob("table_infer*")) == [
            "table_infer.py"
        ]


def test_table_infer_runs_on_airflow_and_the_local_client_does_the_work(
    mason_cli: Mason,
) -> None:
    out = mason_cli.json("wf", "table", "infer", "-f", infer_params(mason_cli), "-r")
    record = out["Data"][0]
    assert record["status"] == "succeeded", record
    assert record["scheduler"] == "airflow" and record["scheduler_run_id"]
    step = steps_of(out)["step_1"]
    assert step["status"] == "succeeded"
    assert step["output"]["Data"][0]["Name"] == "sales"
    # the table is in this MASON_HOME's local catalog: the task wrote it there
    table = mason_cli.json("op", "table", "get", "-p", "database_name:samples,table_name:sales")
    assert [c["Name"] for c in table["Data"][0]["Schema"]["Columns"]][:1] == ["order_id"]

    status = mason_cli.json("wf", "status", record["run_id"])
    assert status["Data"][0]["status"] == "succeeded"
    job = mason_cli.json(
        "op",
        "job",
        "get",
        "-p",
        f"job_id:table_infer/{record['scheduler_run_id']}",
        "-c",
        "afjobs",
    )
    assert job["Data"][0]["Status"] == "succeeded"
    assert job["Data"][0]["Metrics"] == {"steps_succeeded": 1}


def test_validated_infer_passes_step_outputs_through_xcom(mason_cli: Mason) -> None:
    query = "SELECT COUNT(*) AS row_count FROM ${steps.step_1.Name}"
    out = mason_cli.json(
        "wf", "table", "validated_infer", "-f", validated_params(mason_cli, query), "-r"
    )
    assert out["Data"][0]["status"] == "succeeded", out
    steps = steps_of(out)
    assert [steps[f"step_{i}"]["status"] for i in range(1, 6)] == [
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
        "skipped",
    ]
    # step_4 read step_3's job id from XCom, and saw the count
    job = steps["step_4"]["output"]["Data"][0]
    assert job["Id"] == steps["step_3"]["output"]["Data"][0]["Id"]
    assert job["Preview"] == [{"row_count": 12}] or job["Preview"][0]["row_count"] > 0
    # the definition class skipped the clean-up, with its reason
    assert "nothing to clean up" in steps["step_5"]["error"]


def test_a_failing_step_is_reported_with_its_message(mason_cli: Mason) -> None:
    query = "SELECT COUNT(*) FROM no_such_table_${steps.step_1.Name}"
    done = mason_cli(
        "wf",
        "table",
        "validated_infer",
        "-f",
        validated_params(mason_cli, query),
        "-r",
        "-o",
        "table",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "step_3 [table query] failed: " in done.stderr
    assert "no_such_table_sales" in done.stderr
    last = [ln for ln in done.stdout.splitlines() if ln.startswith("run ")][-1]
    assert ": failed" in last
    run_id = last.split()[1]
    status = mason_cli.json("wf", "status", run_id, code=1)
    steps = steps_of(status)
    assert steps["step_3"]["status"] == "failed"
    assert "no_such_table_sales" in steps["step_3"]["error"]
    assert steps["step_4"]["status"] == steps["step_5"]["status"] == "skipped"
    assert any("step_3" in e for e in status["Errors"])


def test_schedule_delete_removes_the_dag_from_airflow(mason_cli: Mason) -> None:
    mason_cli.json("wf", "table", "infer", "-f", infer_params(mason_cli), "-d")
    out = mason_cli.json("op", "schedule", "delete", "-p", "schedule_name:table_infer")
    assert out["Info"] == ["Deleted schedule table_infer"]
    assert not (mason_cli.server.dags / "table_infer.py").exists()
    with mason_cli.server.api() as api:
        assert api.get("/dags/table_infer").status_code == 404
    again = mason_cli.json("op", "schedule", "delete", "-p", "schedule_name:table_infer", code=1)
    assert len(again["Errors"]) == 1 and "\n" not in again["Errors"][0]
    assert "airflow client 'airflow'" in again["Errors"][0]
    assert "dag 'table_infer'" in again["Errors"][0]
    # the delete waited for the DAG processor, which took it without dying
    # (StaleDataError in deactivate_deleted_dags): the next deploy is parsed
    assert "StaleDataError" not in mason_cli.server.log.read_text(errors="replace")
    mason_cli.json("wf", "table", "infer", "-f", infer_params(mason_cli), "-d")
    mason_cli.json("op", "schedule", "delete", "-p", "schedule_name:table_infer")
    assert "StaleDataError" not in mason_cli.server.log.read_text(errors="replace")


def test_airflow_errors_are_one_line_naming_dag_and_client(
    mason_cli: Mason, tmp_path: Path
) -> None:
    job = mason_cli.json(
        "op", "job", "get", "-p", "job_id:table_infer/nope", "-c", "afjobs", code=1
    )
    assert len(job["Errors"]) == 1 and "\n" not in job["Errors"][0]
    assert "airflow client 'airflow': dag 'table_infer' run 'nope'" in job["Errors"][0]

    # a wrong password: one line, exit 2, the password never shown
    bad = airflow_config(mason_cli.server, mason_cli.home, "badauth", password="not-it-42")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    assert mason_cli("config", str(path)).returncode == 0
    done = mason_cli("wf", "table", "infer", "-f", infer_params(mason_cli), "-d", "-c", "badauth")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "airflow client 'airflow'" in done.stderr and "dag 'table_infer'" in done.stderr
    assert "not-it-42" not in done.stderr + done.stdout

    # a known secret in a parameter would land in the DAG file: refused, not written
    leaky = mason_cli.params(
        "leaky",
        {
            "step_1": {
                "parameters": {"database_name": "samples", "storage_path": f"/data/{PASSWORD}/"}
            }
        },
    )
    done = mason_cli("wf", "table", "infer", "-f", leaky, "-d")
    assert done.returncode == 2, done.stderr
    assert "would hold a secret value" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout
    written = mason_cli.server.dags / "table_infer.py"
    assert not written.exists() or PASSWORD not in written.read_text()
