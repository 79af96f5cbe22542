"""``table rollback``: make an earlier snapshot current; the later ones stay
in the history (rolling forward again is another rollback)."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import format_table, qualified_name


class TableRollback(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        table = format_table(ctx, "table rollback")
        before = table.format_metadata.current_snapshot if table.format_metadata else None
        after = ctx.metastore.rollback_table(
            table.database or "", table.name, ctx.params["snapshot_id"]
        )
        was = before.snapshot_id if before else "none"
        now = ctx.params["snapshot_id"]
        ctx.info(f"Rolled {qualified_name(after)} back from snapshot {was} to {now}")
        return after
