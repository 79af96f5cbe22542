"""``table evolve``: schema and partition-spec changes as one commit; a change
the format forbids (narrowing a type...) is refused and nothing changes."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, ParameterError, models
from mason_operators_table.catalog import format_table, qualified_name


class TableEvolve(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        table = format_table(ctx, "table evolve")
        changes = changes_from(ctx.params)
        if not changes:
            raise ParameterError(["give at least one change (add_columns, rename_columns...)"])
        after = ctx.metastore.evolve_table(table.database or "", table.name, changes)
        ctx.info(f"Evolved {qualified_name(after)}: {len(changes)} change(s) in one commit")
        return after


def _pairs(items: list[str] | None, parameter: str, second: str) -> list[tuple[str, str]]:
    out, problems = [], []
    for item in items or []:
        first, sep, rest = item.partition(":")
        if not (sep and first.strip() and rest.strip()):
            problems.append(f"parameter '{parameter}': '{item}' is not column:{second}")
        else:
            out.append((first.strip(), rest.strip()))
    if problems:
        raise ParameterError(problems)
    return out


def changes_from(p: dict[str, object]) -> list[models.SchemaChange]:
    def listed(name: str) -> list[str]:
        value = p.get(name)
        return [str(v) for v in value] if isinstance(value, list) else []

    changes = [
        models.SchemaChange(kind="add_column", column=c, type=t)
        for c, t in _pairs(listed("add_columns"), "add_columns", "type")
    ]
    changes += [
        models.SchemaChange(kind="rename_column", column=c, new_name=n)
        for c, n in _pairs(listed("rename_columns"), "rename_columns", "new_name")
    ]
    changes += [
        models.SchemaChange(kind="widen_column", column=c, type=t)
        for c, t in _pairs(listed("widen_columns"), "widen_columns", "type")
    ]
    changes += [models.SchemaChange(kind="drop_column", column=c) for c in listed("drop_columns")]
    for item in listed("partition_by"):
        column, _, transform = item.partition(":")
        changes.append(
            models.SchemaChange(
                kind="partition_by",
                column=column.strip(),
                transform=transform.strip() or "identity",
            )
        )
    changes += [
        models.SchemaChange(kind="drop_partition", column=c) for c in listed("drop_partitions")
    ]
    return changes
