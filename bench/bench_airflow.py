"""Airflow against the local scheduler: the wall time of deploying and running a
10-step workflow of a trivial operator (a chain, each step reading the one
before it through a step reference), on a real ``airflow standalone``
(LocalExecutor, SQLite) and on Mason's in-process scheduler, and their ratio.

Needs apache-airflow beside this interpreter: ``nox -s bench-airflow`` (which
``nox -s bench`` queues) installs it in a virtualenv of its own. Starting
Airflow is not counted; parsing the new DAG file is (a deploy waits for it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import print_table, ratio, run_quietly, venv_script

ROOT = Path(__file__).resolve().parents[1]
STEPS = int(os.environ.get("BENCH_AIRFLOW_STEPS", "10"))
RUNS = int(os.environ.get("BENCH_AIRFLOW_RUNS", "2"))

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


def main() -> None:
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
        local, airflow = rows
        print_table(
            f"Deploy and run a {STEPS}-step chain (median of {RUNS} after a warm-up)",
            ["scheduler", "median s", "min s", "vs local", "s per step"],
            [
                (*local, "1.00x", local[1] / STEPS),
                (*airflow, ratio(airflow[1], local[1]), airflow[1] / STEPS),
            ],
        )


if __name__ == "__main__":
    main()
