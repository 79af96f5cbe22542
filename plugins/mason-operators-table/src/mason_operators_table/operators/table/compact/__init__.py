"""``table compact``: small files become target-sized ones in one commit;
readers of the current and of older snapshots see the same rows."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import format_table, report_maintenance


class TableCompact(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.MaintenanceReport:
        p = ctx.params
        table = format_table(ctx, "table compact")
        target = int(float(p["target_file_mb"]) * 1024 * 1024)
        report = ctx.metastore.compact_table(table.database or "", table.name, target, p["dry_run"])
        report_maintenance(ctx, report)
        return report
