"""The local Iceberg catalog: pyiceberg's SQL catalog on SQLite beside the
local catalog in MASON_HOME, tables under the warehouse folder.

A database is an Iceberg namespace of the same name. Listing a database's
Iceberg table names reads the SQLite file directly (no pyiceberg import), so
databases without Iceberg tables cost nothing extra. The opened catalog and
the parsed metadata of loaded tables are kept per process (see
:func:`open_catalog` and :meth:`IcebergTables.load`), so a run that writes a
table pays neither again while nothing changed them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mason.sdk.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from mason.sdk.iceberg import (
    IcebergCatalog,
    describe,
    label,
    metadata_gone,
    new_table_layout,
    new_table_properties,
)
from mason.sdk.models import (
    Table,
)
from mason_local.iceberg.names import CATALOG_NAME, IcebergNames

if TYPE_CHECKING:
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.table import Table as IcebergTable

T = TypeVar("T")

#: opened catalogs kept per process (each holds a SQLAlchemy engine).
CATALOGS_KEPT = 4
#: loaded tables kept per process, reused while the catalog still points at
#: the metadata file they were loaded from.
TABLES_KEPT = 16

# (catalog file, warehouse URI) -> (the file's identity when opened, catalog)
_catalogs: OrderedDict[tuple[str, str], tuple[tuple[int, int], SqlCatalog]] = OrderedDict()
_catalogs_lock = threading.Lock()
# (catalog file, database, table) -> (its metadata file, the parsed metadata,
# the catalog), as last loaded or committed here
_tables: OrderedDict[tuple[str, str, str], tuple[str, Any, SqlCatalog]] = OrderedDict()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def _has_catalog_tables(path: Path) -> bool:
    """Whether the SQLite file at ``path`` has pyiceberg's catalog tables (a
    new file that happens to get a deleted one's inode number has not)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'iceberg_tables'"
        ).fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(row and row[0])


def open_catalog(catalog_file: Path, warehouse: Path) -> SqlCatalog:
    """pyiceberg's SQL catalog on ``catalog_file``, opened once per process.

    Opening one builds a SQLAlchemy engine and checks (or creates) the
    catalog's tables, which costs more than a small append's own commit, so
    the opened catalog is kept and reused while its file is the same file (a
    deleted or replaced file, or one without the catalog's tables, is opened
    afresh). It holds no table state: every load and commit still reads the
    catalog row, so other processes' commits are seen."""
    from pyiceberg.catalog.sql import SqlCatalog

    key = (str(catalog_file), warehouse.as_uri())
    with _catalogs_lock:
        kept = _catalogs.get(key)
        if (
            kept is not None
            and kept[0] == _file_identity(catalog_file)
            and _has_catalog_tables(catalog_file)
        ):
            _catalogs.move_to_end(key)
            return kept[1]
        catalog_file.parent.mkdir(parents=True, exist_ok=True)
        warehouse.mkdir(parents=True, exist_ok=True)
        catalog = SqlCatalog(CATALOG_NAME, uri=f"sqlite:///{catalog_file}", warehouse=key[1])
        identity = _file_identity(catalog_file)
        if kept is not None:
            kept[1].engine.dispose()
        if identity is not None:
            _catalogs[key] = (identity, catalog)
            _catalogs.move_to_end(key)
        while len(_catalogs) > CATALOGS_KEPT:
            _catalogs.popitem(last=False)[1][1].engine.dispose()
        return catalog


@dataclass
class IcebergTables(IcebergNames, IcebergCatalog):
    """The local client's Iceberg tables: ``catalog_file`` (SQLite) and
    ``warehouse``; their names are read without pyiceberg (:class:`IcebergNames`)."""

    #: the tables ``get`` loaded, kept for the first attempt of the commit that
    #: usually follows in the same run (a stale one only costs that attempt).
    _loaded: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def catalog(self) -> SqlCatalog:
        return open_catalog(self.catalog_file, self.warehouse)

    # -- tables -----------------------------------------------------------------------

    def cached(self, database: str, name: str) -> IcebergTable | None:
        return self._loaded.pop((database, name), None)

    def load(self, database: str, name: str) -> IcebergTable:
        """The table as the catalog has it now, as a table object of its own.

        Iceberg metadata files are never rewritten and pyiceberg's parsed
        metadata is immutable, so metadata loaded (or committed) earlier in
        this process from the file the catalog still points at is reused
        rather than read and parsed again. Another pointer (another writer
        committed) loads afresh."""
        from pyiceberg.exceptions import NoSuchTableError
        from pyiceberg.table import Table as IcebergTable

        pointer = self.pointer(database, name)
        if pointer is None:
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found")
        with _catalogs_lock:
            kept = _tables.get((str(self.catalog_file), database, name))
        if kept is not None and kept[0] == pointer and kept[2] is self.catalog:
            io = self.catalog._load_file_io(kept[1].properties, pointer)
            return IcebergTable((database, name), kept[1], pointer, io, self.catalog)
        try:
            table = self.catalog.load_table((database, name))
        except NoSuchTableError:
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found") from None
        except FileNotFoundError:  # the catalog row points at a deleted metadata file
            raise metadata_gone(database, name, pointer) from None
        self._keep(database, name, table)
        return table

    def _keep(self, database: str, name: str, table: IcebergTable) -> None:
        key = (str(self.catalog_file), database, name)
        kept = (table.metadata_location, table.metadata, self.catalog)
        with _catalogs_lock:
            _tables[key] = kept
            _tables.move_to_end(key)
            while len(_tables) > TABLES_KEPT:
                _tables.popitem(last=False)

    def get(self, database: str, name: str) -> Table:
        table = self.load(database, name)
        self._loaded[(database, name)] = table
        return describe(table, database, name)

    def list(self, database: str) -> list[Table]:
        return [self.get(database, name) for name in self.names(database)]

    def create(self, table: Table, replace: bool = False) -> Table:
        """An empty Iceberg table with ``table``'s columns, partitioned by its
        partition keys (identity) or its ``format_metadata.partition_spec``."""
        database = table.database or ""
        if not database:
            raise MasonUsageError(f"table '{table.name}' names no database")
        schema, spec = new_table_layout(table)
        if self.exists(database, table.name):
            if not replace:
                raise AlreadyExistsError(
                    f"table '{table.name}' already exists in database '{database}'"
                )
            self.catalog.drop_table((database, table.name))
        self.catalog.create_namespace_if_not_exists(database)
        created = self.catalog.create_table(
            (database, table.name),
            schema=schema,
            partition_spec=spec,
            properties=new_table_properties(table),
        )
        return describe(created, database, table.name)

    def drop(self, database: str, name: str) -> Table:
        """Remove the catalog entry; data and metadata files stay."""
        removed = self.get(database, name)
        self.catalog.drop_table((database, name))
        return removed

    def committed(self, database: str, name: str, table: IcebergTable) -> None:
        # a committed pyiceberg table holds the metadata it committed: keep it
        self._keep(database, name, table)
