"""``acme describe``: one table and its columns."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models


class AcmeDescribe(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        table = ctx.metastore.get_table(ctx.params["database_name"], ctx.params["table_name"])
        limit: int = ctx.params["max_columns"]
        columns = table.table_schema.columns
        if len(columns) > limit:
            ctx.warn(f"showing {limit} of {len(columns)} columns")
            table.table_schema.columns = columns[:limit]
        return table
