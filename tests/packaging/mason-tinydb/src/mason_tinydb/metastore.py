"""The ``tinydb`` metastore: databases and their tables as canonical models in
one JSON file, rewritten whole and atomically on every change.

It serves the verbs below; every other metastore verb raises
``VerbNotServedError``, as the conformance kit checks.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from mason.sdk.engines import MetastoreEngine
from mason.sdk.errors import AlreadyExistsError, NotFoundError
from mason.sdk.models import Database, Table
from mason.sdk.state import atomic_write_json, read_json_model
from mason_tinydb.config import TinyConfig


class Catalog(BaseModel):
    """The file's content: database -> table name -> table."""

    databases: dict[str, dict[str, Table]] = Field(default_factory=dict)


class TinyMetastore(MetastoreEngine):
    config: TinyConfig

    @property
    def path(self) -> Path:
        return Path(self.config.path).expanduser()

    def _read(self) -> Catalog:
        return read_json_model(self.path, Catalog) or Catalog()

    def _write(self, catalog: Catalog) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(self.path, catalog.model_dump(mode="json", by_alias=True))

    def _tables(self, catalog: Catalog, database_name: str) -> dict[str, Table]:
        try:
            return catalog.databases[database_name]
        except KeyError:
            raise NotFoundError(f"tinydb: no database '{database_name}'") from None

    def list_databases(self) -> list[Database]:
        catalog = self._read()
        return [self.get_database(name) for name in sorted(catalog.databases)]

    def get_database(self, database_name: str) -> Database:
        tables = self._tables(self._read(), database_name)
        return Database(name=database_name, table_count=len(tables))

    def create_database(self, database_name: str, exist_ok: bool = True) -> Database:
        catalog = self._read()
        if database_name in catalog.databases:
            if not exist_ok:
                raise AlreadyExistsError(f"tinydb: database '{database_name}' exists")
        else:
            catalog.databases[database_name] = {}
            self._write(catalog)
        return self.get_database(database_name)

    def list_tables(self, database_name: str) -> list[Table]:
        tables = self._tables(self._read(), database_name)
        return [tables[name] for name in sorted(tables)]

    def get_table(self, database_name: str, table_name: str) -> Table:
        try:
            return self._tables(self._read(), database_name)[table_name]
        except KeyError:
            raise NotFoundError(
                f"tinydb: database '{database_name}' has no table '{table_name}'"
            ) from None

    def create_table(self, table: Table, replace: bool = False) -> Table:
        catalog = self._read()
        tables = self._tables(catalog, table.database or "")
        if table.name in tables and not replace:
            raise AlreadyExistsError(
                f"tinydb: table '{table.database}.{table.name}' exists; pass replace"
            )
        tables[table.name] = table
        self._write(catalog)
        return table

    def delete_table(self, database_name: str, table_name: str) -> Table:
        catalog = self._read()
        removed = self.get_table(database_name, table_name)
        del catalog.databases[database_name][table_name]
        self._write(catalog)
        return removed
