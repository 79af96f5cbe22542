"""The local metastore: the SQLite catalog of external tables over local files,
and Iceberg tables in pyiceberg's SQL catalog beside it.

Serves databases and tables, DDL generation, and ``refresh_table`` (infer the
table's location again and keep the entry in step with its files). DDL
execution, summaries and credentials are not served: there is no SQL
metastore to run DDL on, summaries are an execution job, and local files
need no credentials.

A database lists its plain tables and its Iceberg tables side by side
(:mod:`mason_local.iceberg`); the table-format verbs serve the Iceberg ones.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import AlreadyExistsError, MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import (
    CommitResult,
    Database,
    MaintenanceReport,
    ScanPlan,
    SchemaChange,
    Snapshot,
    Table,
    TableWrite,
)
from mason_local.catalog import CATALOG_FILE, Catalog
from mason_local.config import LocalClientConfig
from mason_local.iceberg.tables import IcebergTables


def catalog_path(config: LocalClientConfig, home: Path) -> Path:
    """``catalog_path`` from the configuration, else MASON_HOME/clients/local/."""
    if config.catalog_path:
        return Path(config.catalog_path).expanduser().resolve()
    return home / "clients" / "local" / CATALOG_FILE


class LocalMetastore(MetastoreEngine):
    config: LocalClientConfig
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg",)

    def __init__(self, config: LocalClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(catalog_path(self.config, self.context.home))

    def list_databases(self) -> list[Database]:
        return self.catalog.list_databases()

    def get_database(self, database_name: str) -> Database:
        return self.catalog.get_database(database_name)

    def create_database(self, database_name: str, exist_ok: bool = True) -> Database:
        return self.catalog.create_database(database_name, exist_ok=exist_ok)

    @cached_property
    def iceberg(self) -> IcebergTables:
        return IcebergTables.of(
            self.config, self.context.home, catalog_path(self.config, self.context.home)
        )

    def list_tables(self, database_name: str) -> list[Table]:
        tables = self.catalog.list_tables(database_name) + self.iceberg.list(database_name)
        return sorted(tables, key=lambda t: t.name)

    def get_table(self, database_name: str, table_name: str) -> Table:
        try:
            return self.catalog.get_table(database_name, table_name)
        except NotFoundError:
            if self.iceberg.exists(database_name, table_name):
                return self.iceberg.get(database_name, table_name)
            raise

    def create_table(self, table: Table, replace: bool = False) -> Table:
        """A plain table is registered in the local catalog; ``format: iceberg``
        creates an empty Iceberg table. A name is one table or the other."""
        database = table.database or ""
        if table.format == "iceberg":
            if self._plain(database, table.name):
                if not replace:
                    raise AlreadyExistsError(
                        f"table '{table.name}' already exists in database '{database}'"
                    )
                self.catalog.delete_table(database, table.name)
            self.catalog.create_database(database, exist_ok=True)
            return self.iceberg.create(table, replace=replace)
        if table.is_table_format:
            raise MasonUsageError(
                f"the local client cannot create {table.format} tables (it serves: iceberg)"
            )
        if database and self.iceberg.exists(database, table.name):
            if not replace:
                raise AlreadyExistsError(
                    f"table '{table.name}' already exists in database '{database}' (iceberg)"
                )
            self.iceberg.drop(database, table.name)
        return self.catalog.create_table(table, replace=replace)

    def delete_table(self, database_name: str, table_name: str) -> Table:
        if not self._plain(database_name, table_name) and self.iceberg.exists(
            database_name, table_name
        ):
            return self.iceberg.drop(database_name, table_name)
        return self.catalog.delete_table(database_name, table_name)

    def _plain(self, database_name: str, table_name: str) -> bool:
        try:
            self.catalog.get_table(database_name, table_name)
        except NotFoundError:
            return False
        return True

    def _iceberg_name(self, database_name: str, table_name: str) -> tuple[str, str]:
        """Refuse a table that is not one of this client's Iceberg tables."""
        if self.iceberg.exists(database_name, table_name):
            return database_name, table_name
        table = self.catalog.get_table(database_name, table_name)  # NotFoundError if neither
        raise MasonUsageError(
            f"table {database_name}.{table_name} has format {table.format}: only Iceberg "
            "tables have snapshots (create one with 'table infer ... -p format:iceberg')"
        )

    def generate_ddl(self, table: Table) -> str:
        from mason.sdk.tabular import external_table_ddl

        return external_table_ddl(table)

    def refresh_table(self, database_name: str, table_name: str) -> Table:
        """Infer the table's location again and replace the entry with what is
        there now (new partitions, new files, a changed schema)."""
        from mason_local.inference import infer_location
        from mason_local.paths import resolve_local

        if self.iceberg.exists(database_name, table_name):
            return self.iceberg.get(database_name, table_name)  # its metadata is current
        current = self.catalog.get_table(database_name, table_name)
        if not current.location:
            raise MasonRuntimeError(f"table '{database_name}.{table_name}' has no location")
        location = resolve_local(current.location, self.config.root)
        inferred = infer_location(
            location, database_name, table_name, self.config, self.context.progress
        )
        return self.catalog.create_table(inferred.table, replace=True)

    # -- Iceberg -----------------------------------------------------------------------

    def add_files(self, database_name: str, table_name: str, paths: list[str]) -> CommitResult:
        from mason_local.iceberg.writes import add_files
        from mason_local.paths import resolve_local

        db, name = self._iceberg_name(database_name, table_name)
        files = [str(resolve_local(p, self.config.root)) for p in paths]
        return add_files(self.iceberg, db, name, files)

    def plan_scan(self, database_name: str, table_name: str, as_of: str | None = None) -> ScanPlan:
        from mason.sdk.iceberg import plan

        db, name = self._iceberg_name(database_name, table_name)
        return plan(self.iceberg.load(db, name), as_of, f"{db}.{name}")

    def write_table(self, database_name: str, table_name: str, write: TableWrite) -> CommitResult:
        from mason_local.iceberg.writes import write as write_rows

        db, name = self._iceberg_name(database_name, table_name)
        return write_rows(self.iceberg, db, name, write, self.config)

    def evolve_table(
        self, database_name: str, table_name: str, changes: list[SchemaChange]
    ) -> Table:
        from mason.sdk.iceberg import evolve

        db, name = self._iceberg_name(database_name, table_name)
        evolve(self.iceberg, db, name, changes)
        return self.iceberg.get(db, name)

    def table_history(self, database_name: str, table_name: str) -> list[Snapshot]:
        from mason.sdk.iceberg import history

        db, name = self._iceberg_name(database_name, table_name)
        return history(self.iceberg.load(db, name))

    def rollback_table(self, database_name: str, table_name: str, snapshot_id: int) -> Table:
        from mason.sdk.iceberg import rollback

        db, name = self._iceberg_name(database_name, table_name)
        rollback(self.iceberg, db, name, snapshot_id)
        return self.iceberg.get(db, name)

    def expire_snapshots(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        retain_last: int = 1,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.iceberg_maintenance import TableFiles, expire

        db, name = self._iceberg_name(database_name, table_name)
        return expire(
            self.iceberg,
            TableFiles.local(),
            db,
            name,
            older_than,
            retain_last,
            dry_run,
            self.context.progress,
        )

    def compact_table(
        self,
        database_name: str,
        table_name: str,
        target_file_bytes: int,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.iceberg_maintenance import TableFiles, compact

        db, name = self._iceberg_name(database_name, table_name)
        return compact(
            self.iceberg,
            TableFiles.local(),
            db,
            name,
            target_file_bytes,
            dry_run,
            self.context.progress,
        )

    def clean_orphan_files(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.iceberg_maintenance import TableFiles, clean

        db, name = self._iceberg_name(database_name, table_name)
        return clean(
            self.iceberg, TableFiles.local(), db, name, older_than, dry_run, self.context.progress
        )
