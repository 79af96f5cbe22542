"""``acme catalog``: databases, or the tables of one database."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models


class AcmeCatalog(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> list[models.Database] | list[models.Table]:
        database_name: str | None = ctx.params.get("database_name")
        if database_name is None:
            databases = ctx.metastore.list_databases()
            ctx.info(f"{len(databases)} acme database(s)")
            return databases
        tables = ctx.metastore.list_tables(database_name)
        ctx.info(f"{len(tables)} table(s) in acme database '{database_name}'")
        return tables
