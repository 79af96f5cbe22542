"""``database list``: every database the metastore knows."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models


class DatabaseList(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> list[models.Database]:
        databases = ctx.metastore.list_databases()
        count = len(databases)
        ctx.info(f"{count} database{'s' if count != 1 else ''}")
        return databases
