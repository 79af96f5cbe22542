"""``table list``: the tables of one database, as the metastore knows them."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models


class TableList(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> list[models.Table]:
        database_name: str = ctx.params["database_name"]
        tables = ctx.metastore.list_tables(database_name)
        count = len(tables)
        ctx.info(f"{count} table{'s' if count != 1 else ''} in database {database_name}")
        return tables
