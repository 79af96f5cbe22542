"""The local Iceberg catalog's table names, read from its SQLite file without
pyiceberg or Mason's Iceberg support: a database's listing (every query's)
checks for Iceberg tables through this alone, and imports
:mod:`mason_local.iceberg.tables` only when there is one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason_local.config import LocalClientConfig

if TYPE_CHECKING:
    from typing_extensions import Self

CATALOG_NAME = "mason"
ICEBERG_FILE = "iceberg.sqlite"


@dataclass
class IcebergNames:
    """The local client's Iceberg catalog: ``catalog_file`` (SQLite) and ``warehouse``."""

    catalog_file: Path
    warehouse: Path

    @classmethod
    def of(cls, config: LocalClientConfig, home: Path, catalog_file: Path) -> Self:
        """Beside the local catalog file; the warehouse is ``config.warehouse``,
        else ``warehouse`` under the root, else under MASON_HOME."""
        if config.warehouse:
            warehouse = Path(config.warehouse).expanduser().resolve()
        elif config.root:
            warehouse = Path(config.root).expanduser().resolve() / "warehouse"
        else:
            warehouse = home / "clients" / "local" / "warehouse"
        return cls(catalog_file.with_name(ICEBERG_FILE), warehouse)

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
