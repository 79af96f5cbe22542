"""Catalog helpers the table operators share: resolving a database's tables and
describing tables and schema conflicts in one line each."""

from __future__ import annotations

from mason import NotFoundError, OperatorContext, models


def database_tables(
    ctx: OperatorContext, database_name: str, query: str | None = None
) -> list[models.Table]:
    """Every table of ``database_name``, as a query job needs them.

    A metastore whose listing gives names only (the s3 metastore infers a
    table when it is fetched) has the tables ``query`` names fetched whole,
    so the job reads them as their inference decided (which files it skipped:
    :func:`mason.sdk.tabular.skipped_files`), and the skips are warned of.

    An empty database is refused here: a query over it could only fail later
    inside the execution engine with a less helpful message.
    """
    tables = ctx.metastore.list_tables(database_name)
    if not tables:
        raise NotFoundError(
            f"database '{database_name}' has no tables; register some with 'table infer'"
        )
    if query is None:
        return tables
    return [
        ctx.metastore.get_table(database_name, t.name)
        if not t.table_schema.columns and _names(query, t.name)
        else t
        for t in tables
    ]


def _names(query: str, table_name: str) -> bool:
    """Whether ``query`` may name ``table_name`` (a whole word, any case)."""
    import re

    return (
        re.search(rf"(?<![\w$]){re.escape(table_name)}(?![\w$])", query, re.IGNORECASE) is not None
    )


def is_registered(ctx: OperatorContext, database_name: str, table_name: str) -> bool:
    """Whether the metastore holds ``database_name.table_name`` now."""
    try:
        ctx.metastore.get_table(database_name, table_name)
    except NotFoundError:
        return False
    return True


def qualified_name(table: models.Table) -> str:
    return f"{table.database}.{table.name}" if table.database else table.name


def describe_table(table: models.Table) -> str:
    """``db.t (3 columns, format csv, 2 partitions)`` for info messages."""
    columns = len(table.table_schema.columns)
    parts = [f"{columns} column{'s' if columns != 1 else ''}"]
    if table.format:
        parts.append(f"format {table.format}")
    if table.partitions is not None:
        count = len(table.partitions)
        parts.append(f"{count} partition{'s' if count != 1 else ''}")
    elif table.partition_keys:
        parts.append(f"partitioned by {', '.join(c.name for c in table.partition_keys)}")
    return f"{qualified_name(table)} ({', '.join(parts)})"


def describe_conflict(conflict: models.SchemaConflict, base: str = "", max_files: int = 3) -> str:
    """Which files carry which type of a conflicting column, paths shown below ``base``.

    Clients word the conflict itself in their warnings; this line adds the files,
    which is what a user needs to go and fix the data.
    """
    prefix = base.rstrip("/") + "/" if base else ""
    variants = []
    for type_name, files in sorted(conflict.types.items()):
        names = [f.removeprefix(prefix) for f in files]
        shown = ", ".join(names[:max_files])
        more = f" and {len(names) - max_files} more" if len(names) > max_files else ""
        variants.append(f"{type_name} in {shown}{more}")
    return f"column '{conflict.column}' by file: {'; '.join(variants)}"
