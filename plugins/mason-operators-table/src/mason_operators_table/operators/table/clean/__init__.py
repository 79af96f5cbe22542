"""``table clean``: orphan files (left by killed or failed writes, or by an
interrupted expire) are deleted once they are old enough to be nobody's."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import days_ago, format_table, report_maintenance


class TableClean(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.MaintenanceReport:
        p = ctx.params
        table = format_table(ctx, "table clean")
        older_than = days_ago(p["older_than_days"])
        report = ctx.metastore.clean_orphan_files(
            table.database or "", table.name, older_than, p["dry_run"]
        )
        report_maintenance(ctx, report)
        return report
