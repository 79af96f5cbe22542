"""``table refresh``: infer a table's location again and replace its entry,
saying what changed (partitions, files, columns)."""

from __future__ import annotations

from mason import MasonRuntimeError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import describe_conflict, files_only, qualified_name


class TableRefresh(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        p = ctx.params
        before = ctx.metastore.get_table(p["database_name"], p["table_name"])
        database = before.database or p["database_name"]
        files_only(before, "table refresh", ctx.metastore.client_name)
        if not before.location:
            raise MasonRuntimeError(f"table {qualified_name(before)} has no location to refresh")
        inferred = ctx.storage.infer_table(before.location, database, before.name)
        for warning in inferred.warnings:
            ctx.warn(warning)
        for conflict in inferred.conflicts:
            ctx.warn(describe_conflict(conflict, base=before.location))
        fresh = inferred.table.model_copy(
            update={"database": database, "name": before.name, "created_by": before.created_by}
        )
        after = ctx.metastore.create_table(fresh, replace=True)
        ctx.info(f"Refreshed table {qualified_name(after)}: {'; '.join(changes(before, after))}")
        return after


def changes(before: models.Table, after: models.Table) -> list[str]:
    """What a refresh changed, one phrase per aspect; ``unchanged`` when nothing did."""
    out = []
    old_parts = {_partition(x) for x in before.partitions or []}
    new_parts = {_partition(x) for x in after.partitions or []}
    added, gone = sorted(new_parts - old_parts), sorted(old_parts - new_parts)
    if added:
        out.append(f"{_count(len(added), 'new partition')} ({', '.join(added)})")
    if gone:
        out.append(f"{_count(len(gone), 'partition')} gone ({', '.join(gone)})")
    if before.file_count != after.file_count:
        out.append(f"files {before.file_count or 0} -> {after.file_count or 0}")
    old_cols = before.table_schema.column_names()
    new_cols = after.table_schema.column_names()
    if [c for c in new_cols if c not in old_cols]:
        out.append(f"new columns {', '.join(c for c in new_cols if c not in old_cols)}")
    if [c for c in old_cols if c not in new_cols]:
        out.append(f"columns gone {', '.join(c for c in old_cols if c not in new_cols)}")
    return out or ["unchanged"]


def _partition(partition: models.Partition) -> str:
    return "/".join(f"{k}={v}" for k, v in partition.values.items())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
