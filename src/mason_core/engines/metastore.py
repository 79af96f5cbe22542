"""The metastore engine: databases, tables and their metadata."""

from __future__ import annotations

from typing import ClassVar

from mason_core.engines.base import Engine
from mason_core.models import Credentials, Database, Table, TableSummary


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
    )

    def list_databases(self) -> list[Database]:
        self.not_served("list_databases")

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
