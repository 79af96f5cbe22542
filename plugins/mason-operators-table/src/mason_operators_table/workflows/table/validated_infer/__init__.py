"""``table validated_infer``: infer a table, check it, query it, check the query
job, and delete the table only when that last check failed."""

from __future__ import annotations

from typing import Any

from mason.sdk.workflows import (
    Decision,
    ExecutedStep,
    PlannedStep,
    WorkflowDefinition,
)


def _first(current: ExecutedStep) -> dict[str, Any]:
    data = current.output.get("Data") or [{}]
    first = data[0]
    return first if isinstance(first, dict) else {}


class TableValidatedInfer(WorkflowDefinition):
    def step(self, current: ExecutedStep, next: PlannedStep) -> Decision:
        if current.id in ("step_1", "step_2"):
            # infer and get must both return a table with columns
            columns = (_first(current).get("Schema") or {}).get("Columns") or []
            if not columns:
                return current.failed(f"{current.id}: no table with columns in its response")
            return next
        if current.id == "step_4":
            job = _first(current)
            rows = [r for r in job.get("Preview") or [] if isinstance(r, dict)]
            counted = [v for r in rows for v in r.values() if isinstance(v, int)]
            if job.get("Status") == "succeeded" and counted and counted[0] > 0:
                return next.skip("table checked: the query found rows, nothing to clean up")
            return next  # the check failed: step_5 deletes the table
        return next
