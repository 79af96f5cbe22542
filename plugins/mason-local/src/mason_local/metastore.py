"""The local metastore: the SQLite catalog of external tables over local files,
and Iceberg tables in pyiceberg's SQL catalog beside it.

Serves databases and tables, DDL generation, and ``refresh_table`` (infer the
table's location again and keep the entry in step with its files). DDL
execution, summaries and credentials are not served: there is no SQL
metastore to run DDL on, summaries are an execution job, and local files
need no credentials.

A database lists its plain tables and its Iceberg tables side by side
(:mod:`mason_local.iceberg`); the table-format verbs serve the Iceberg ones.
Delta Lake tables (:mod:`mason_local.delta`) are entries of the local catalog
with ``format: delta`` and their folder as location, described from their
``_delta_log`` each time they are read; the same verbs serve them.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

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
from mason_local.iceberg.names import IcebergNames

if TYPE_CHECKING:
    from mason_local.iceberg.tables import IcebergTables


def catalog_path(config: LocalClientConfig, home: Path) -> Path:
    """``catalog_path`` from the configuration, else MASON_HOME/clients/local/."""
    if config.catalog_path:
        return Path(config.catalog_path).expanduser().resolve()
    return home / "clients" / "local" / CATALOG_FILE


class LocalMetastore(MetastoreEngine):
    config: LocalClientConfig
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg", "delta")

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
        from mason_local.iceberg.tables import IcebergTables

        return IcebergTables.of(
            self.config, self.context.home, catalog_path(self.config, self.context.home)
        )

    @cached_property
    def iceberg_names(self) -> IcebergNames:
        """The Iceberg catalog's names only: a listing without Iceberg tables
        imports no Iceberg support."""
        return IcebergNames.of(
            self.config, self.context.home, catalog_path(self.config, self.context.home)
        )

    def list_tables(self, database_name: str) -> list[Table]:
        """Plain, Delta and Iceberg tables; one whose log or metadata file is
        gone is listed marked unreadable (:meth:`MetastoreEngine.listed`)."""
        plain = [
            self.listed(t, partial(self._described, t))
            for t in self.catalog.list_tables(database_name)
        ]
        names = self.iceberg_names.names(database_name)
        tables = plain + [
            self.listed(
                Table(name=name, database=database_name, format="iceberg"),
                partial(self.iceberg.get, database_name, name),
            )
            for name in names
        ]
        return sorted(tables, key=lambda t: t.name)

    def get_table(self, database_name: str, table_name: str) -> Table:
        try:
            return self._described(self.catalog.get_table(database_name, table_name))
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
        if table.format == "delta":
            return self._create_delta(table, replace)
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

    def _described(self, table: Table) -> Table:
        """A catalog entry as it is now: a Delta table read from its log."""
        if table.format != "delta":
            return table
        from mason.sdk.delta import describe

        return describe(table)

    def _create_delta(self, table: Table, replace: bool) -> Table:
        """Register the Delta table at ``table.location``; where there is none
        yet, create an empty one there (or under the warehouse) with the
        table's columns, partitioned by its partition keys."""
        from mason.sdk.delta import describe
        from mason_local.delta.tables import is_delta_folder
        from mason_local.paths import resolve_local

        database = table.database or ""
        if database and self.iceberg.exists(database, table.name):
            if not replace:
                raise AlreadyExistsError(
                    f"table '{table.name}' already exists in database '{database}' (iceberg)"
                )
            self.iceberg.drop(database, table.name)
        if table.location:
            location = resolve_local(table.location, self.config.root)
        else:
            location = self.iceberg.warehouse / database / table.name
        if not is_delta_folder(location):
            from mason_local.delta.writes import create

            create(location, table)
        entry = table.model_copy(update={"location": str(location), "format_metadata": None})
        described = describe(entry)
        self.catalog.create_database(database, exist_ok=True)
        self.catalog.create_table(described.model_copy(update={"format_metadata": None}), replace)
        return described

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
            "and Delta tables have snapshots (create one with 'table infer ... -p "
            "format:iceberg')"
        )

    def _delta(self, database_name: str, table_name: str) -> Table | None:
        """The catalog entry when the table is a Delta table, else ``None``."""
        if self.iceberg.exists(database_name, table_name):
            return None
        try:
            table = self.catalog.get_table(database_name, table_name)
        except NotFoundError:
            return None
        return table if table.format == "delta" else None

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
        if current.format == "delta":
            return self._described(current)  # its log is current
        if not current.location:
            raise MasonRuntimeError(f"table '{database_name}.{table_name}' has no location")
        location = resolve_local(current.location, self.config.root)
        inferred = infer_location(
            location, database_name, table_name, self.config, self.context.progress
        )
        for warning in inferred.warnings:
            self.context.warning(warning)
        return self.catalog.create_table(inferred.table, replace=True)

    # -- Iceberg -----------------------------------------------------------------------

    def add_files(self, database_name: str, table_name: str, paths: list[str]) -> CommitResult:
        from mason_local.iceberg.writes import add_files
        from mason_local.paths import resolve_local

        if self._delta(database_name, table_name):
            for path in paths:
                if not resolve_local(path, self.config.root).is_file():
                    raise NotFoundError(
                        f"no file {path} to add to table {database_name}.{table_name}"
                    )
            raise MasonUsageError(
                f"table {database_name}.{table_name} is a Delta table: delta-rs cannot add "
                "existing files to one; write their rows with 'table write'"
            )
        db, name = self._iceberg_name(database_name, table_name)
        files = [str(resolve_local(p, self.config.root)) for p in paths]
        return add_files(self.iceberg, db, name, files)

    def plan_scan(self, database_name: str, table_name: str, as_of: str | None = None) -> ScanPlan:
        from mason.sdk.iceberg import plan

        delta = self._delta(database_name, table_name)
        if delta:
            from mason_local.delta.tables import plan as delta_plan

            return delta_plan(delta, as_of)
        db, name = self._iceberg_name(database_name, table_name)
        return plan(self.iceberg.load(db, name), as_of, f"{db}.{name}")

    def write_table(self, database_name: str, table_name: str, write: TableWrite) -> CommitResult:
        from mason_local.iceberg.writes import write as write_rows

        delta = self._delta(database_name, table_name)
        if delta:
            from mason_local.delta.writes import write as delta_write

            return delta_write(delta, write, self.config)
        db, name = self._iceberg_name(database_name, table_name)
        return write_rows(self.iceberg, db, name, write, self.config)

    def evolve_table(
        self, database_name: str, table_name: str, changes: list[SchemaChange]
    ) -> Table:
        from mason.sdk.iceberg import evolve

        delta = self._delta(database_name, table_name)
        if delta:
            from mason_local.delta.writes import evolve as delta_evolve

            delta_evolve(delta, changes)
            return self._described(delta)
        db, name = self._iceberg_name(database_name, table_name)
        evolve(self.iceberg, db, name, changes)
        return self.iceberg.get(db, name)

    def table_history(self, database_name: str, table_name: str) -> list[Snapshot]:
        from mason.sdk.iceberg import history

        delta = self._delta(database_name, table_name)
        if delta:
            from mason.sdk.delta import open_table, snapshots

            return snapshots(open_table(delta.location or "", f"{database_name}.{table_name}"))
        db, name = self._iceberg_name(database_name, table_name)
        return history(self.iceberg.load(db, name))

    def rollback_table(self, database_name: str, table_name: str, snapshot_id: int) -> Table:
        from mason.sdk.iceberg import rollback

        delta = self._delta(database_name, table_name)
        if delta:
            from mason.sdk.delta import rollback as delta_rollback

            delta_rollback(delta, snapshot_id)
            return self._described(delta)
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

        delta = self._delta(database_name, table_name)
        if delta:
            from mason.sdk.delta import expire as vacuum

            return vacuum(delta, older_than, retain_last, dry_run, self.context.progress)
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

        delta = self._delta(database_name, table_name)
        if delta:
            from mason.sdk.delta import compact as optimize

            return optimize(delta, target_file_bytes, dry_run, self.context.progress)
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

        delta = self._delta(database_name, table_name)
        if delta:
            from mason.sdk.delta import clean as delta_clean

            return delta_clean(delta, older_than, dry_run, self.context.progress)
        db, name = self._iceberg_name(database_name, table_name)
        return clean(
            self.iceberg, TableFiles.local(), db, name, older_than, dry_run, self.context.progress
        )
