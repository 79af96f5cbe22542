"""``table infer``: learn a table from files and register it.

Re-inferring a path replaces the table registered under the same name, so the
catalog follows the files as they change; the info message says when it did.
"""

from __future__ import annotations

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import (
    check_table_format,
    describe_conflict,
    describe_table,
    is_registered,
)


class TableInfer(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        database_name: str = ctx.params["database_name"]
        table_format = ctx.params.get("format") or "files"
        if table_format != "files":
            check_table_format(ctx, table_format, "table infer")
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
        if table.is_table_format and table_format not in ("files", table.format):
            raise MasonUsageError(
                f"{ctx.params['storage_path']} holds a {table.format} table; it cannot be "
                f"adopted as {table_format} (register it with format:files or "
                f"format:{table.format})"
            )
        if table_format != "files" and not table.is_table_format:
            return adopt(ctx, table, table_format, replacing)
        registered = ctx.metastore.create_table(table, replace=True)
        verb = "Replaced" if replacing else "Registered"
        ctx.info(f"{verb} table {describe_table(registered)}")
        return registered


def adopt(
    ctx: OperatorContext, inferred: models.Table, table_format: str, replacing: bool
) -> models.Table:
    """A new table of ``table_format`` over the inferred files: parquet files in a
    plain folder are added where they are; anything else is copied in."""
    location = inferred.location or ctx.params["storage_path"]
    # delta-rs cannot add existing files to a Delta table: their rows are copied
    in_place = table_format == "iceberg" and inferred.format == "parquet"
    in_place = in_place and not inferred.partition_keys
    table = inferred.model_copy(
        update={"format": table_format, "location": None, "partitions": None, "properties": {}}
    )
    created = ctx.metastore.create_table(table, replace=True)
    database, name = created.database or "", created.name
    if in_place:
        files = [f.uri for f in ctx.storage.expand_path(location)]
        done = ctx.metastore.add_files(database, name, files)
        how = f"adopted {done.files_added} parquet file(s) in place"
    else:
        request = models.TableWrite(mode="append", source_paths=[location])
        done = ctx.metastore.write_table(database, name, request)
        how = f"copied {done.rows_added} row(s) from {inferred.format} files"
    verb = "Replaced" if replacing else "Created"
    registered = ctx.metastore.get_table(database, name)
    ctx.info(f"{verb} {table_format} table {describe_table(registered)}: {how}")
    return registered
