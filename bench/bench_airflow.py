"""Airflow against the local scheduler: the wall time of deploying and running a
10-step workflow of a trivial operator (a chain, each step reading the one
before it through a step reference), on a real ``airflow standalone``
(LocalExecutor, SQLite) and on Mason's in-process scheduler, and their ratio.

Needs apache-airflow beside this interpreter: ``nox -s bench-airflow`` (which
``nox -s bench`` queues) installs it in a virtualenv of its own. Starting
Airflow is not counted; parsing the new DAG file is (a deploy waits for it).

Per-task overhead (issue 21): every Airflow task is a fresh process that
imports Airflow, parses its DAG file and runs its operator. A child process
(``--task-child``) times those phases for one task of a DAG file: a trivial
``BaseOperator`` task (what any task pays), a ``MasonOperator`` task running
the no-op operator, and the first task of the DAG file Mason generated for the
chain. The operator's own work is nil, so what Mason adds is its import and
set-up before (parse) and around (execute) the operator.
"""

from __future__ import annotations

import importlib.util
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from _common import print_table, ratio, run_quietly, venv_script

#: a task child's phases start here (the interpreter's own start is in "process")
START = time.perf_counter()

ROOT = Path(__file__).resolve().parents[1]
STEPS = int(os.environ.get("BENCH_AIRFLOW_STEPS", "10"))
RUNS = int(os.environ.get("BENCH_AIRFLOW_RUNS", "2"))
TASK_RUNS = int(os.environ.get("BENCH_AIRFLOW_TASK_RUNS", "5"))

NOOP = """
from mason import OperatorDefinition


class BenchNoop(OperatorDefinition):
    def run(self, ctx):
        return {"Value": ctx.params["value"]}
"""


def write_bundle(root: Path) -> dict[str, object]:
    """The ``bench noop`` operator and the ``bench chain`` workflow; its parameters."""
    op = root / "bundle" / "operators" / "noop"
    op.mkdir(parents=True)
    (op / "__init__.py").write_text(NOOP)
    (op / "operator.yaml").write_text(
        yaml.safe_dump(
            {
                "type": "operator",
                "namespace": "bench",
                "command": "noop",
                "parameters": {"required": ["value"]},
            }
        )
    )
    wf = root / "bundle" / "workflows" / "chain"
    wf.mkdir(parents=True)
    steps = [
        {
            "id": f"s{i}",
            "namespace": "bench",
            "command": "noop",
            "dependencies": [f"s{i - 1}"] if i else [],
        }
        for i in range(STEPS)
    ]
    (wf / "workflow.yaml").write_text(
        yaml.safe_dump({"type": "workflow", "namespace": "bench", "command": "chain", "dag": steps})
    )
    return {
        f"s{i}": {"parameters": {"value": f"${{steps.s{i - 1}.Value}}" if i else "start"}}
        for i in range(STEPS)
    }


TRIVIAL_DAG = """
import datetime
from airflow.sdk import DAG, BaseOperator

class Nothing(BaseOperator):
    def execute(self, context):
        return {"Value": "start"}

with DAG(dag_id="bench_trivial", schedule=None, catchup=False,
         start_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)) as dag:
    Nothing(task_id="s0")
"""

MASON_DAG = """
import datetime
from airflow.sdk import DAG
from mason_airflow import MasonOperator

with DAG(dag_id="bench_mason", schedule=None, catchup=False,
         start_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)) as dag:
    MasonOperator(task_id="s0", namespace="bench", command="noop",
                  parameters={"value": "start"})
"""


class _TaskInstance:
    """What ``execute`` reads of a task instance: XCom in a dict, the try number."""

    try_number = 1

    def __init__(self) -> None:
        self.xcom: dict[tuple[str, str], Any] = {}

    def xcom_pull(self, task_ids: str, key: str) -> Any:
        return self.xcom.get((task_ids, key))

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[("self", key)] = value


def task_child(dag_file: str, task_id: str) -> None:
    """Time one task as its own process would run it; print the phases as JSON."""
    marks = {"interpreter": START}
    import airflow.sdk  # noqa: F401  (what every task process imports)

    marks["import airflow.sdk"] = time.perf_counter()
    namespace = runpy.run_path(dag_file)
    marks["parse DAG file"] = time.perf_counter()
    dag = next(v for v in namespace.values() if type(v).__name__ == "DAG")
    task = dag.get_task(task_id)
    result = task.execute({"ti": _TaskInstance()})
    marks["execute"] = time.perf_counter()
    if not result:
        raise SystemExit(f"task {task_id} returned nothing")
    names = list(marks)
    phases = {b: marks[b] - marks[a] for a, b in pairwise(names)}
    print(json.dumps(phases))


def task_overhead(label: str, dag_file: Path, task_id: str) -> tuple[str, dict[str, float]]:
    """Median phases (s) of ``RUNS`` task processes after a warm-up, and the
    process's whole wall time as the parent saw it."""
    runs: list[dict[str, float]] = []
    for n in range(TASK_RUNS + 1):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--task-child", str(dag_file), task_id],
            capture_output=True,
            text=True,
        )
        whole = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{label}: task process failed:\n{done.stdout}{done.stderr}")
        if n:  # the first run warms the disk cache and the registry index
            runs.append({**json.loads(done.stdout.strip().splitlines()[-1]), "process": whole})
    return label, {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def print_task_overhead(rows: list[tuple[str, dict[str, float]]]) -> None:
    phases = ["import airflow.sdk", "parse DAG file", "execute", "process"]
    base = rows[0][1]
    print_table(
        f"One Airflow task as its own process (median ms of {TASK_RUNS} after a warm-up)",
        ["task", *phases, "vs trivial task"],
        [
            (label, *(f"{p[k] * 1000:.0f}" for k in phases), ratio(p["process"], base["process"]))
            for label, p in rows
        ],
    )
    for label, p in rows[1:]:
        added = (p["parse DAG file"] + p["execute"]) - (base["parse DAG file"] + base["execute"])
        print(f"  {label}: Mason adds {added * 1000:.0f} ms per task (parse + execute)")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--task-child":
        task_child(sys.argv[2], sys.argv[3])
        return
    if importlib.util.find_spec("airflow") is None:
        raise SystemExit(
            "bench_airflow needs apache-airflow beside this interpreter: run nox -s bench-airflow"
        )
    sys.path.insert(0, str(ROOT))
    from tests.airflow.standalone import PASSWORD, airflow_config, standalone

    with tempfile.TemporaryDirectory(prefix="mason-bench-airflow-") as tmp:
        root = Path(os.environ.get("BENCH_AIRFLOW_KEEP") or tmp)  # a folder to keep, for logs
        home = root / "mason-home"
        home.mkdir()
        os.environ["MASON_HOME"] = str(home)
        os.environ["AF_TEST_PASSWORD"] = PASSWORD
        (home / ".env").write_text(f"AF_TEST_PASSWORD={PASSWORD}\n")
        params = write_bundle(root)
        mason = venv_script("mason")
        run_quietly([mason, "register", root / "bundle" / "operators"])
        run_quietly([mason, "register", root / "bundle" / "workflows"])
        (root / "trivial_dag.py").write_text(TRIVIAL_DAG)
        (root / "mason_dag.py").write_text(MASON_DAG)
        tasks = [
            task_overhead("trivial BaseOperator", root / "trivial_dag.py", "s0"),
            task_overhead("MasonOperator (no-op)", root / "mason_dag.py", "s0"),
        ]
        started = time.perf_counter()
        with standalone(root / "airflow") as server:
            print(f"airflow standalone healthy after {time.perf_counter() - started:.1f} s")
            config = root / "af.yaml"
            config.write_text(yaml.safe_dump(airflow_config(server, home)))
            run_quietly([mason, "config", config])

            import mason as api

            def deploy_and_run(config_id: str) -> float:
                start = time.perf_counter()
                api.deploy_workflow("bench", "chain", params, config_id=config_id)
                record = api.run_workflow("bench", "chain", params, config_id=config_id)
                assert record.status == "succeeded", (record.errors, record.steps)
                return time.perf_counter() - start

            rows = []
            for label, config_id in (("local", "default"), ("airflow", "af")):
                deploy_and_run(config_id)  # warm-up: imports; a first parse on Airflow
                times = sorted(deploy_and_run(config_id) for _ in range(RUNS))
                rows.append((label, times[len(times) // 2], times[0]))
            generated = next(p for p in server.dags.glob("*.py") if p.name != "mason_warm_up.py")
            tasks.append(task_overhead("generated-DAG task (chain, s0)", generated, "s0"))
        local, airflow = rows
        print_table(
            f"Deploy and run a {STEPS}-step chain (median of {RUNS} after a warm-up)",
            ["scheduler", "median s", "min s", "vs local", "s per step"],
            [
                (*local, "1.00x", local[1] / STEPS),
                (*airflow, ratio(airflow[1], local[1]), airflow[1] / STEPS),
            ],
        )
        print_task_overhead(tasks)


if __name__ == "__main__":
    main()
