"""``table infer``: learn a table from files and register it.

Re-inferring a path replaces the table registered under the same name, so the
catalog follows the files as they change; the info message says when it did.
"""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import describe_conflict, describe_table, is_registered


class TableInfer(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        database_name: str = ctx.params["database_name"]
        inferred = ctx.storage.infer_table(
            ctx.params["storage_path"], database_name, ctx.params["table_name"]
        )
        # the client's own warnings already cover skipped files and mixed layouts
        for warning in inferred.warnings:
            ctx.warn(warning)
        table = inferred.table.model_copy(update={"database": database_name})
        for conflict in inferred.conflicts:
            ctx.warn(describe_conflict(conflict, base=table.location or ""))

        ctx.metastore.create_database(database_name, exist_ok=True)
        replacing = is_registered(ctx, database_name, table.name)
        registered = ctx.metastore.create_table(table, replace=True)
        verb = "Replaced" if replacing else "Registered"
        ctx.info(f"{verb} table {describe_table(registered)}")
        return registered
