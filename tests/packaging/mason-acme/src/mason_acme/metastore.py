"""The ``acme`` client serving the metastore engine.

It overrides the verbs it serves; every other metastore verb keeps the
interface's behaviour and raises ``VerbNotServedError`` naming acme, the
metastore engine and the verb.
"""

from __future__ import annotations

from mason import MetastoreEngine, NotFoundError, models
from mason_acme.config import AcmeConfig


class AcmeMetastore(MetastoreEngine):
    @property
    def settings(self) -> AcmeConfig:
        if not isinstance(self.config, AcmeConfig):  # Mason validated it with our model
            raise TypeError(f"expected AcmeConfig, got {type(self.config).__name__}")
        return self.config

    def _tables(self, database_name: str) -> dict[str, dict[str, str]]:
        try:
            return self.settings.databases[database_name]
        except KeyError:
            known = ", ".join(sorted(self.settings.databases)) or "none"
            raise NotFoundError(
                f"acme account '{self.settings.account}' has no database '{database_name}' "
                f"(databases: {known})"
            ) from None

    def _location(self, *parts: str) -> str:
        return "acme://" + "/".join((self.settings.region, self.settings.account, *parts))

    def list_databases(self) -> list[models.Database]:
        return [self.get_database(name) for name in sorted(self.settings.databases)]

    def get_database(self, database_name: str) -> models.Database:
        tables = self._tables(database_name)
        return models.Database(
            name=database_name,
            location=self._location(database_name),
            table_count=len(tables),
        )

    def list_tables(self, database_name: str) -> list[models.Table]:
        return [self.get_table(database_name, t) for t in sorted(self._tables(database_name))]

    def get_table(self, database_name: str, table_name: str) -> models.Table:
        tables = self._tables(database_name)
        try:
            columns = tables[table_name]
        except KeyError:
            raise NotFoundError(
                f"acme database '{database_name}' has no table '{table_name}'"
            ) from None
        return models.Table(
            name=table_name,
            database=database_name,
            location=self._location(database_name, table_name),
            format="acme",
            table_schema=models.Schema(
                columns=[models.Column(name=n, type=t) for n, t in columns.items()],
                schema_type="acme",
            ),
            created_by="acme",
        )
