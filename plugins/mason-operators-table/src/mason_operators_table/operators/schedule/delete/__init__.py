"""``schedule delete``: remove a registered DAG and its schedule."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition


class ScheduleDelete(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> None:
        name: str = ctx.params["schedule_name"]
        ctx.scheduler.delete_dag(name)
        ctx.info(f"Deleted schedule {name}")
