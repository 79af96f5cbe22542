"""The local Iceberg catalog: pyiceberg's SQL catalog on SQLite beside the
local catalog in MASON_HOME, tables under the warehouse folder.

A database is an Iceberg namespace of the same name. Listing a database's
Iceberg table names reads the SQLite file directly (no pyiceberg import), so
databases without Iceberg tables cost nothing extra.
"""

from __future__ import annotations

import sqlite3
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
        from pyiceberg.catalog.sql import SqlCatalog

        self.catalog_file.parent.mkdir(parents=True, exist_ok=True)
        self.warehouse.mkdir(parents=True, exist_ok=True)
        return SqlCatalog(
            CATALOG_NAME,
            uri=f"sqlite:///{self.catalog_file}",
            warehouse=self.warehouse.as_uri(),
        )

    # -- names, without pyiceberg -----------------------------------------------------

    def names(self, database: str) -> list[str]:
        """Names of the Iceberg tables in ``database``, read from SQLite directly."""
        if not self.catalog_file.exists():
            return []
        conn = sqlite3.connect(f"file:{self.catalog_file}?mode=ro", uri=True, timeout=30)
        try:
            rows = conn.execute(
                "SELECT table_name FROM iceberg_tables "
                "WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name",
                (CATALOG_NAME, database),
            ).fetchall()
        except sqlite3.OperationalError:  # the catalog's tables are not created yet
            return []
        finally:
            conn.close()
        return [str(r[0]) for r in rows]

    def exists(self, database: str, name: str) -> bool:
        return name in self.names(database)

    # -- tables -----------------------------------------------------------------------

    def cached(self, database: str, name: str) -> IcebergTable | None:
        return self._loaded.pop((database, name), None)

    def load(self, database: str, name: str) -> IcebergTable:
        from pyiceberg.exceptions import NoSuchTableError

        if not self.exists(database, name):
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found")
        try:
            return self.catalog.load_table((database, name))
        except NoSuchTableError:
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found") from None

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
