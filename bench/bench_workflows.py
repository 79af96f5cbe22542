"""Workflows: validation time and run overhead per step for 1,000-step DAGs of a
trivial operator (a chain and a fan-out), and the speed-up of 8 independent
one-second steps run in parallel against one at a time.

Overhead per step is the run's wall time, less the same 1,000 operator calls
made directly through the session, divided by the number of steps: what the
workflow machinery (scheduling, references, records) adds to each step.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import yaml
from _common import median_seconds, print_table, scratch_home

STEPS = int(os.environ.get("BENCH_WORKFLOW_STEPS", "1000"))
RUNS = int(os.environ.get("BENCH_WORKFLOW_RUNS", "3"))
SLEEPERS = 8

NOOP = """
from mason import OperatorDefinition


class BenchNoop(OperatorDefinition):
    def run(self, ctx):
        return {"Value": ctx.params["value"]}
"""
SLEEP = """
import time

from mason import OperatorDefinition


class BenchSleep(OperatorDefinition):
    def run(self, ctx):
        time.sleep(float(ctx.params["seconds"]))
        return {"Slept": ctx.params["seconds"]}
"""


def write_operator(root: Path, command: str, source: str, parameter: str) -> None:
    folder = root / "operators" / command
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(
        yaml.safe_dump(
            {
                "type": "operator",
                "namespace": "bench",
                "command": command,
                "parameters": {"required": [parameter]},
            }
        )
    )
    (folder / "__init__.py").write_text(source)


def write_workflow(root: Path, command: str, steps: list[dict[str, Any]]) -> None:
    folder = root / "workflows" / command
    folder.mkdir(parents=True)
    spec = {"type": "workflow", "namespace": "bench", "command": command, "dag": steps}
    (folder / "workflow.yaml").write_text(yaml.safe_dump(spec))


def chain(n: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """step_i depends on step_{i-1}, and reads its output through a reference."""
    steps, params = [], {}
    for i in range(n):
        deps = [f"s{i - 1}"] if i else []
        steps.append({"id": f"s{i}", "namespace": "bench", "command": "noop", "dependencies": deps})
        value = f"${{steps.s{i - 1}.Value}}" if i else "start"
        params[f"s{i}"] = {"parameters": {"value": value}}
    return steps, params


def fan_out(n: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One root, n - 2 independent middles, one step joining them all."""
    steps = [{"id": "root", "namespace": "bench", "command": "noop"}]
    middles = [f"m{i}" for i in range(n - 2)]
    steps += [
        {"id": m, "namespace": "bench", "command": "noop", "dependencies": ["root"]}
        for m in middles
    ]
    steps.append({"id": "join", "namespace": "bench", "command": "noop", "dependencies": middles})
    params = {s["id"]: {"parameters": {"value": s["id"]}} for s in steps}
    return steps, params


def main() -> None:
    with scratch_home() as tmp:
        from mason_core.register import register_path
        from mason_core.runtime import default_session
        from mason_core.workflows.api import run_validated, validate_workflow
        from mason_core.workflows.runner import RunOptions

        write_operator(tmp, "noop", NOOP, "value")
        write_operator(tmp, "sleep", SLEEP, "seconds")
        shapes = {"chain": chain(STEPS), "fan_out": fan_out(STEPS)}
        for name, (steps, _) in shapes.items():
            write_workflow(tmp, name, steps)
        sleepers = [
            {"id": f"z{i}", "namespace": "bench", "command": "sleep"} for i in range(SLEEPERS)
        ]
        write_workflow(tmp, "sleepers", sleepers)
        session = default_session()
        register_path(session.home, tmp / "operators")
        register_path(session.home, tmp / "workflows")
        session.reload()

        prepared = session.prepare("bench", "noop", {"value": "x"})
        direct, _ = median_seconds(
            lambda: [session.run_prepared(prepared) for _ in range(STEPS)], RUNS
        )

        rows = []
        for name, (_, params) in shapes.items():
            validation, _ = median_seconds(
                lambda n=name, p=params: validate_workflow("bench", n, p), RUNS
            )
            plan = validate_workflow("bench", name, params)
            for parallel in (1, 4):

                def run(plan: Any = plan, parallel: int = parallel) -> None:
                    record = run_validated(plan, RunOptions(parallel=parallel))
                    assert record.status == "succeeded", record.errors

                wall, _ = median_seconds(run, RUNS)
                overhead_ms = max(wall - direct, 0.0) / STEPS * 1000
                rows.append([f"{name} ({STEPS} steps)", parallel, validation, wall, overhead_ms])
        print_table(
            f"Workflows of a trivial operator (median of {RUNS}; the same {STEPS} operator "
            f"calls made directly take {direct:.3f} s)",
            ["dag", "parallel", "validate s", "run s", "overhead ms/step"],
            rows,
        )

        params = {f"z{i}": {"parameters": {"seconds": 1}} for i in range(SLEEPERS)}
        plan = validate_workflow("bench", "sleepers", params)
        timings = {}
        for parallel in (1, SLEEPERS):
            start = time.perf_counter()
            record = run_validated(plan, RunOptions(parallel=parallel))
            timings[parallel] = time.perf_counter() - start
            assert record.status == "succeeded", record.errors
        print(f"\n{SLEEPERS} independent one-second steps")
        print(f"  one at a time (parallel 1): {timings[1]:.2f} s")
        print(f"  in parallel (parallel {SLEEPERS}): {timings[SLEEPERS]:.2f} s")
        print(f"  speed-up: {timings[1] / timings[SLEEPERS]:.2f}x (ideal {SLEEPERS}x)")


if __name__ == "__main__":
    main()
