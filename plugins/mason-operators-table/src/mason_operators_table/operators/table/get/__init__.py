"""``table get``: one table's metadata; a missing table fails naming it."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models


class TableGet(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        return ctx.metastore.get_table(ctx.params["database_name"], ctx.params["table_name"])
