"""``table delete``: the catalog entry goes; the files go only when asked.

With ``delete_data`` the entry is removed first and the files after, so a
failure in between leaves orphaned files, never an entry pointing at nothing.
Files another table also reads are never deleted.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason_operators_table.catalog import qualified_name


class TableDelete(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.Table:
        p = ctx.params
        table = ctx.metastore.get_table(p["database_name"], p["table_name"])
        location = table.location if p["delete_data"] else None
        if p["delete_data"]:
            if not location:
                raise MasonUsageError(f"table {qualified_name(table)} has no location to delete")
            sharing = _tables_sharing(ctx, table, location)
            if sharing:
                raise MasonUsageError(
                    f"not deleting {location}: table(s) {', '.join(sharing)} read files there; "
                    "delete without delete_data, or delete those tables first"
                )
        removed = ctx.metastore.delete_table(table.database or p["database_name"], table.name)
        ctx.info(f"Deleted table {qualified_name(removed)} from the metastore")
        if location is None:
            if removed.location:
                ctx.info(f"its data at {removed.location} was left in place")
        elif ctx.storage.exists(location):
            ctx.storage.delete(location, recursive=True)
            ctx.info(f"Deleted its data at {location}")
        else:
            ctx.warn(f"its data at {location} was already gone")
        return removed


def _tables_sharing(ctx: OperatorContext, table: models.Table, location: str) -> list[str]:
    """Other registered tables whose location is, holds or sits inside ``location``."""
    mine = _path(ctx, location)
    found = []
    for database in ctx.metastore.list_databases():
        for other in ctx.metastore.list_tables(database.name):
            if (other.database, other.name) == (table.database, table.name) or not other.location:
                continue
            theirs = _path(ctx, other.location, lenient=True)
            if theirs == mine or mine in theirs.parents or theirs in mine.parents:
                found.append(qualified_name(other))
    return found


def _path(ctx: OperatorContext, location: str, lenient: bool = False) -> PurePosixPath:
    """``location`` as the storage resolves it. Another table's location may lie
    where this storage may not go (outside a local root): ``lenient`` then
    compares it as written, so an unrelated table never blocks the delete."""
    try:
        resolved = ctx.storage.resolve_path(location)
    except MasonUsageError:
        if not lenient:
            raise
        scheme, sep, rest = location.partition("://")
        protocol, path = (scheme, rest) if sep else ("file", location)
        return PurePosixPath(protocol + ":") / posixpath.normpath(path).lstrip("/")
    return PurePosixPath(resolved.protocol + ":") / resolved.path.lstrip("/")
