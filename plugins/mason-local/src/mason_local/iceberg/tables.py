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
    new_table_layout,
    new_table_properties,
)
from mason.sdk.models import (
    Table,
)
from mason_local.config import LocalClientConfig

if TYPE_CHECKING:
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.table import Table as IcebergTable

T = TypeVar("T")

CATALOG_NAME = "mason"
ICEBERG_FILE = "iceberg.sqlite"
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
class IcebergTables(IcebergCatalog):
    """The local client's Iceberg tables: ``catalog_file`` (SQLite) and ``warehouse``."""

    catalog_file: Path
    warehouse: Path
    #: the tables ``get`` loaded, kept for the first attempt of the commit that
    #: usually follows in the same run (a stale one only costs that attempt).
    _loaded: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, config: LocalClientConfig, home: Path, catalog_file: Path) -> IcebergTables:
        """Beside the local catalog file; the warehouse is ``config.warehouse``,
        else ``warehouse`` under the root, else under MASON_HOME."""
        if config.warehouse:
            warehouse = Path(config.warehouse).expanduser().resolve()
        elif config.root:
            warehouse = Path(config.root).expanduser().resolve() / "warehouse"
        else:
            warehouse = home / "clients" / "local" / "warehouse"
        return cls(catalog_file.with_name(ICEBERG_FILE), warehouse)

    @cached_property
    def catalog(self) -> SqlCatalog:
        return open_catalog(self.catalog_file, self.warehouse)

    # -- names, without pyiceberg -----------------------------------------------------

    def _rows(self, sql: str, params: tuple[str, ...]) -> list[Any]:
        """``sql`` over the catalog's SQLite file, read-only, without pyiceberg;
        no rows when there is no catalog (or its tables are not created yet)."""
        if not self.catalog_file.exists():
            return []
        conn = sqlite3.connect(f"file:{self.catalog_file}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # the catalog's tables are not created yet
            return []
        finally:
            conn.close()

    def names(self, database: str) -> list[str]:
        """Names of the Iceberg tables in ``database``, read from SQLite directly."""
        rows = self._rows(
            "SELECT table_name FROM iceberg_tables "
            "WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name",
            (CATALOG_NAME, database),
        )
        return [str(r[0]) for r in rows]

    def exists(self, database: str, name: str) -> bool:
        return name in self.names(database)

    def pointer(self, database: str, name: str) -> str | None:
        """The metadata file the catalog points at for the table, read from
        SQLite directly; ``None`` when there is no such table."""
        rows = self._rows(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? "
            "AND table_namespace = ? AND table_name = ?",
            (CATALOG_NAME, database, name),
        )
        return str(rows[0][0]) if rows else None

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
