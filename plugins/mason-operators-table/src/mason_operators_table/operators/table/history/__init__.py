"""``table history``: a table-format table's snapshots."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import format_table, qualified_name


class TableHistory(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> list[models.Snapshot]:
        table = format_table(ctx, "table history")
        snapshots = ctx.metastore.table_history(table.database or "", table.name)
        current = next((s.snapshot_id for s in snapshots if s.current), None)
        ctx.info(
            f"{len(snapshots)} snapshot{'s' if len(snapshots) != 1 else ''} of "
            f"{qualified_name(table)}; current: {current if current is not None else 'none'}"
        )
        return snapshots
