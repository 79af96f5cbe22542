"""The local metastore: the SQLite catalog of external tables over local files.

Serves databases and tables, DDL generation, and ``refresh_table`` (infer the
table's location again and keep the entry in step with its files). DDL
execution, summaries and credentials are not served: there is no SQL
metastore to run DDL on, summaries are an execution job, and local files
need no credentials.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import Database, Table
from mason_local.catalog import CATALOG_FILE, Catalog
from mason_local.config import LocalClientConfig


def catalog_path(config: LocalClientConfig, home: Path) -> Path:
    """``catalog_path`` from the configuration, else MASON_HOME/clients/local/."""
    if config.catalog_path:
        return Path(config.catalog_path).expanduser().resolve()
    return home / "clients" / "local" / CATALOG_FILE


class LocalMetastore(MetastoreEngine):
    config: LocalClientConfig

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

    def list_tables(self, database_name: str) -> list[Table]:
        return self.catalog.list_tables(database_name)

    def get_table(self, database_name: str, table_name: str) -> Table:
        return self.catalog.get_table(database_name, table_name)

    def create_table(self, table: Table, replace: bool = False) -> Table:
        return self.catalog.create_table(table, replace=replace)

    def delete_table(self, database_name: str, table_name: str) -> Table:
        return self.catalog.delete_table(database_name, table_name)

    def generate_ddl(self, table: Table) -> str:
        from mason.sdk.tabular import external_table_ddl

        return external_table_ddl(table)

    def refresh_table(self, database_name: str, table_name: str) -> Table:
        """Infer the table's location again and replace the entry with what is
        there now (new partitions, new files, a changed schema)."""
        from mason_local.inference import infer_location
        from mason_local.paths import resolve_local

        current = self.catalog.get_table(database_name, table_name)
        if not current.location:
            raise MasonRuntimeError(f"table '{database_name}.{table_name}' has no location")
        location = resolve_local(current.location, self.config.root)
        inferred = infer_location(
            location, database_name, table_name, self.config, self.context.progress
        )
        for warning in inferred.warnings:
            self.context.warning(warning)
        return self.catalog.create_table(inferred.table, replace=True)
