"""Catalog helpers the table operators share: resolving a database's tables and
describing tables and schema conflicts in one line each."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from mason import MasonUsageError, NotFoundError, OperatorContext, models


def database_tables(
    ctx: OperatorContext, database_name: str, query: str | None = None
) -> list[models.Table]:
    """Every table of ``database_name``, as a query job needs them.

    A metastore whose listing gives names only (the s3 metastore infers a
    table when it is fetched) has the tables ``query`` names fetched whole,
    so the job reads them as their inference decided (which files it skipped:
    :func:`mason.sdk.tabular.skipped_files`), and the skips are warned of.

    A table the listing marks unreadable (:attr:`models.Table.unreadable`: a
    stale Iceberg or Delta entry, already warned of) is left out, so a query
    not naming it runs; a query naming it is refused with the metastore's own
    one-line error (``get_table``), its folder never read as plain files.

    An empty database is refused here: a query over it could only fail later
    inside the execution engine with a less helpful message.
    """
    tables = ctx.metastore.list_tables(database_name)
    if not tables:
        raise NotFoundError(
            f"database '{database_name}' has no tables; register some with 'table infer'"
        )
    out = []
    for table in tables:
        named = query is not None and _names(query, table.name)
        if table.unreadable and not named:
            continue
        if named and (table.unreadable or not table.table_schema.columns):
            table = ctx.metastore.get_table(database_name, table.name)
        out.append(table)
    return out


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


def check_table_format(ctx: OperatorContext, format_name: str, operator: str) -> None:
    """Refuse, before anything runs, a table format the metastore's client does
    not serve: one line naming the operator, the format and the client."""
    served: tuple[str, ...] = getattr(type(ctx.metastore), "TABLE_FORMATS", ())
    if format_name not in served:
        raise MasonUsageError(
            f"operator '{operator}' cannot serve format {format_name} on client "
            f"'{ctx.metastore.client_name}' (its catalog serves: {', '.join(served) or 'none'})"
        )


def format_table(ctx: OperatorContext, operator: str) -> models.Table:
    """The ``database_name.table_name`` of the parameters, which must be of a
    table format (Iceberg...) the metastore's client serves."""
    table = ctx.metastore.get_table(ctx.params["database_name"], ctx.params["table_name"])
    if not table.is_table_format:
        raise MasonUsageError(
            f"operator '{operator}' works on table formats (iceberg, delta); table "
            f"{qualified_name(table)} has format {table.format} (create an Iceberg table "
            "with 'table infer ... -p format:iceberg')"
        )
    check_table_format(ctx, table.format or "", operator)
    return table


def readable_tables(
    ctx: OperatorContext, tables: list[models.Table], query: str, operator: str
) -> list[models.Table]:
    """``tables`` without those of a table format the execution client cannot
    read (its ``TABLE_FORMATS``); a query naming one of them is refused."""
    served: tuple[str, ...] = getattr(type(ctx.execution), "TABLE_FORMATS", ())
    unreadable = [t for t in tables if t.is_table_format and t.format not in served]
    for table in unreadable:
        if re.search(rf"(?<![\w$]){re.escape(table.name)}(?![\w$])", query, re.IGNORECASE):
            raise MasonUsageError(
                f"operator '{operator}' cannot read {table.format} table {qualified_name(table)} "
                f"on execution client '{ctx.execution.client_name}' "
                f"(its jobs read: {', '.join(served) or 'plain files only'})"
            )
    return [t for t in tables if t not in unreadable]


def files_only(table: models.Table, operator: str, client: str) -> None:
    """Refuse a table-format table in an operator that reads plain files."""
    if table.is_table_format:
        raise MasonUsageError(
            f"operator '{operator}' does not serve format {table.format} on client "
            f"'{client}' (it reads plain files; query the table with 'table query')"
        )


def days_ago(days: float) -> datetime:
    """The moment ``days`` days before now (UTC), for age parameters."""
    return datetime.now(timezone.utc) - timedelta(days=float(days))


def size(nbytes: int) -> str:
    """``12.3 MB`` for a report line."""
    value = float(nbytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def report_maintenance(ctx: OperatorContext, report: models.MaintenanceReport) -> None:
    """One info line saying what a maintenance verb did (or would do)."""
    would = "would remove" if report.dry_run else "removed"
    parts = []
    if report.operation == "expire":
        parts.append(f"{report.snapshots_removed} snapshot(s) expired")
    if report.operation == "compact":
        verb = "would rewrite" if report.dry_run else "rewrote"
        parts.append(f"{verb} {report.files_rewritten} file(s), {size(report.bytes_rewritten)}")
        if not report.dry_run:
            parts.append(f"into {report.files_added} file(s), {size(report.bytes_added)}")
    else:
        parts.append(f"{would} {report.files_removed} file(s), {size(report.bytes_removed)}")
    dry = " (dry run)" if report.dry_run else ""
    ctx.info(f"{report.operation} {report.table}{dry}: {', '.join(parts)}")


def commit_write(
    ctx: OperatorContext, table: models.Table, request: models.TableWrite
) -> models.CommitResult:
    """One write through the metastore, and an info line saying what it committed."""
    result = ctx.metastore.write_table(table.database or "", table.name, request)
    ctx.info(describe_commit(result))
    return result


def describe_commit(result: models.CommitResult) -> str:
    retried = (
        f", after {result.retries} retr{'y' if result.retries == 1 else 'ies'}"
        if result.retries
        else ""
    )
    return (
        f"{result.operation} {result.table}: snapshot {result.snapshot_id}, "
        f"{result.rows_added} row(s) added, {result.rows_removed} removed, "
        f"{result.files_added} file(s) added, {result.files_removed} removed{retried}"
    )
