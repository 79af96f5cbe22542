"""``table expire``: forget old snapshots, then delete the files only they referenced."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import days_ago, format_table, report_maintenance


class TableExpire(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.MaintenanceReport:
        p = ctx.params
        table = format_table(ctx, "table expire")
        older_than = days_ago(p["older_than_days"])
        report = ctx.metastore.expire_snapshots(
            table.database or "", table.name, older_than, p["retain_last"], p["dry_run"]
        )
        report_maintenance(ctx, report)
        return report
