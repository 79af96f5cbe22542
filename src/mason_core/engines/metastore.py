"""The metastore engine: databases, tables and their metadata.

A metastore whose catalog holds table-format tables (Iceberg, Delta Lake)
declares the formats in ``TABLE_FORMATS`` and serves the table-format verbs:
adopting files, scan planning, writes (one atomic commit each), schema and
partition evolution, history and rollback, and the maintenance verbs
(expire, compact, clean). ``create_table`` with such a format creates an
empty table of that format; ``get_table`` and ``list_tables`` fill the
table's ``format_metadata``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from mason_core.engines.base import Engine
from mason_core.errors import ConfigurationError, MasonError
from mason_core.models import (
    CommitResult,
    Credentials,
    Database,
    MaintenanceReport,
    ScanPlan,
    SchemaChange,
    Snapshot,
    Table,
    TableSummary,
    TableWrite,
)

#: the table-format verbs: a client serving any of them lists its formats in
#: ``MetastoreEngine.TABLE_FORMATS``.
TABLE_FORMAT_VERBS: tuple[str, ...] = (
    "add_files",
    "plan_scan",
    "write_table",
    "evolve_table",
    "table_history",
    "rollback_table",
    "expire_snapshots",
    "compact_table",
    "clean_orphan_files",
)


class MetastoreEngine(Engine):
    _is_interface: ClassVar[bool] = True
    engine_type = "metastore"
    VERBS = (
        "list_databases",
        "get_database",
        "create_database",
        "list_tables",
        "get_table",
        "create_table",
        "delete_table",
        "summarize_table",
        "generate_ddl",
        "execute_ddl",
        "refresh_table",
        "credentials",
        *TABLE_FORMAT_VERBS,
    )

    #: table formats (``iceberg``, ``delta``) this client's catalog serves.
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ()

    def list_databases(self) -> list[Database]:
        self.not_served("list_databases")

    def listed(self, entry: Table, describe: Callable[[], Table]) -> Table:
        """``describe()``, the table a database listing shows for the catalog
        ``entry``; when it fails (a stale entry: an Iceberg table whose metadata
        file is gone, a Delta table whose folder holds no ``_delta_log``), the
        entry as registered (name, format, location) with the one-line reason in
        :attr:`Table.unreadable`, and a warning naming it. One such entry then
        does not fail the listing, nor every query over the database; reading
        the table itself (``get_table``, a query naming it) still fails. A
        configuration error (no client reaches the table) is raised."""
        try:
            return describe()
        except ConfigurationError:
            raise
        except MasonError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            name = f"{entry.database}.{entry.name}" if entry.database else entry.name
            self.context.warning(
                f"table '{name}' ({entry.format}) is listed but cannot be read: {reason}"
            )
            return entry.model_copy(
                update={"properties": {**entry.properties, Table.UNREADABLE: reason}}
            )

    def get_database(self, database_name: str) -> Database:
        self.not_served("get_database")

    def create_database(self, database_name: str, exist_ok: bool = True) -> Database:
        self.not_served("create_database")

    def list_tables(self, database_name: str) -> list[Table]:
        self.not_served("list_tables")

    def get_table(self, database_name: str, table_name: str) -> Table:
        self.not_served("get_table")

    def create_table(self, table: Table, replace: bool = False) -> Table:
        """Register ``table`` (an external table over files) in the catalog."""
        self.not_served("create_table")

    def delete_table(self, database_name: str, table_name: str) -> Table:
        """Remove the catalog entry and return what it was; data stays."""
        self.not_served("delete_table")

    def summarize_table(self, database_name: str, table_name: str) -> TableSummary:
        self.not_served("summarize_table")

    def generate_ddl(self, table: Table) -> str:
        self.not_served("generate_ddl")

    def execute_ddl(self, ddl: str, database_name: str) -> None:
        self.not_served("execute_ddl")

    def refresh_table(self, database_name: str, table_name: str) -> Table:
        self.not_served("refresh_table")

    def credentials(self) -> Credentials:
        self.not_served("credentials")

    # -- table formats -----------------------------------------------------------------
    # Every verb below names a registered table whose format is one of TABLE_FORMATS;
    # a table of another format is refused with a MasonUsageError naming the format.

    def add_files(self, database_name: str, table_name: str, paths: list[str]) -> CommitResult:
        """Register existing data files (parquet) into the table without copying
        them, in one commit. The files must match the table's schema."""
        self.not_served("add_files")

    def plan_scan(self, database_name: str, table_name: str, as_of: str | None = None) -> ScanPlan:
        """The files a reader reads for the table now, or ``as_of`` a snapshot
        id or an ISO timestamp (the snapshot current at that time)."""
        self.not_served("plan_scan")

    def write_table(self, database_name: str, table_name: str, write: TableWrite) -> CommitResult:
        """Append, overwrite, upsert or delete rows in one atomic commit. A commit
        that loses to a concurrent one is retried a bounded number of times,
        then fails naming the table with nothing half-written."""
        self.not_served("write_table")

    def evolve_table(
        self, database_name: str, table_name: str, changes: list[SchemaChange]
    ) -> Table:
        """Apply schema and partition-spec changes in one commit; a change the
        format forbids (narrowing a type, dropping a partition source column...)
        is a MasonUsageError and nothing is changed."""
        self.not_served("evolve_table")

    def table_history(self, database_name: str, table_name: str) -> list[Snapshot]:
        """The table's snapshots, oldest first, the current one marked."""
        self.not_served("table_history")

    def rollback_table(self, database_name: str, table_name: str, snapshot_id: int) -> Table:
        """Make ``snapshot_id`` (one of the table's snapshots) current again."""
        self.not_served("rollback_table")

    def expire_snapshots(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        retain_last: int = 1,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        """Forget snapshots committed before ``older_than`` (keeping the current one
        and the ``retain_last`` newest), then delete the data, manifest and
        manifest-list files no remaining snapshot references."""
        self.not_served("expire_snapshots")

    def compact_table(
        self,
        database_name: str,
        table_name: str,
        target_file_bytes: int,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        """Rewrite each partition's small files into files of about
        ``target_file_bytes``, in one commit; readers see the same rows."""
        self.not_served("compact_table")

    def clean_orphan_files(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        """Delete files under the table's location that no snapshot and no
        metadata file references and that were last modified before
        ``older_than``; a dry run lists them instead."""
        self.not_served("clean_orphan_files")
