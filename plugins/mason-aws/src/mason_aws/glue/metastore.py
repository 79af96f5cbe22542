"""The Glue Data Catalog as a metastore: databases, tables, partitions.

``create_table`` registers an inferred table (columns, format, SerDe,
partition keys and every partition), so ``table infer`` on a glue
configuration leaves a table Athena and Spark can read at once.

A registration that fails changes nothing in the catalog: a table it created
is deleted again, a table it was replacing gets its previous definition and
partitions back, and a database this engine created for it (``table infer``
creates the database first) is deleted again while it holds no table.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cached_property
from typing import Any

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import MasonUsageError
from mason.sdk.models import Credentials, Database, Table
from mason_aws.config import AwsClientConfig
from mason_aws.ddl import create_table_ddl
from mason_aws.errors import aws_errors, is_code
from mason_aws.glue.tables import from_glue, partition_input, table_input
from mason_aws.session import AwsSession

_PARTITION_BATCH = 100  # BatchCreatePartition / BatchDeletePartition limit
#: the fields of GetTable's and GetPartitions' answers that their inputs take
_TABLE_INPUT = frozenset(
    {
        "Name",
        "Description",
        "Owner",
        "Retention",
        "StorageDescriptor",
        "PartitionKeys",
        "ViewOriginalText",
        "ViewExpandedText",
        "TableType",
        "Parameters",
        "TargetTable",
    }
)
_PARTITION_INPUT = frozenset({"Values", "StorageDescriptor", "Parameters"})


class GlueMetastore(MetastoreEngine):
    config: AwsClientConfig

    def __init__(self, config: AwsClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)
        #: databases this engine created, deleted again if the registration they
        #: were created for fails while they are still empty
        self._created_databases: set[str] = set()

    @cached_property
    def glue(self) -> Any:
        return self.aws.client("glue")

    @property
    def _catalog(self) -> dict[str, str]:
        catalog_id = getattr(self.config, "catalog_id", None)
        return {"CatalogId": catalog_id} if catalog_id else {}

    # -- databases --------------------------------------------------------------------

    def list_databases(self) -> list[Database]:
        out: list[Database] = []
        with aws_errors(self.client_name, "databases"):
            for page in self.glue.get_paginator("get_databases").paginate(**self._catalog):
                out.extend(_database(d) for d in page.get("DatabaseList", []))
        return out

    def get_database(self, database_name: str) -> Database:
        with aws_errors(self.client_name, f"database '{database_name}'"):
            answer = self.glue.get_database(Name=database_name, **self._catalog)
        return _database(answer["Database"])

    def create_database(self, database_name: str, exist_ok: bool = True) -> Database:
        try:
            self.glue.create_database(DatabaseInput={"Name": database_name}, **self._catalog)
            self._created_databases.add(database_name)
        except Exception as exc:
            if not (exist_ok and is_code(exc, "AlreadyExistsException")):
                with aws_errors(self.client_name, f"database '{database_name}'"):
                    raise
        return self.get_database(database_name)

    # -- tables -----------------------------------------------------------------------

    def list_tables(self, database_name: str) -> list[Table]:
        out: list[Table] = []
        with aws_errors(self.client_name, f"database '{database_name}'"):
            pages = self.glue.get_paginator("get_tables").paginate(
                DatabaseName=database_name, **self._catalog
            )
            for page in pages:
                out.extend(from_glue(database_name, t) for t in page.get("TableList", []))
        return out

    def get_table(self, database_name: str, table_name: str) -> Table:
        resource = f"table '{database_name}.{table_name}'"
        with aws_errors(self.client_name, resource):
            answer = self.glue.get_table(
                DatabaseName=database_name, Name=table_name, **self._catalog
            )["Table"]
            partitions = (
                self._partitions(database_name, table_name) if answer.get("PartitionKeys") else None
            )
        return from_glue(database_name, answer, partitions)

    def create_table(self, table: Table, replace: bool = False) -> Table:
        if not table.database:
            raise MasonUsageError(f"table '{table.name}' names no database")
        resource = f"table '{table.database}.{table.name}'"
        spec = table_input(table)
        previous: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
        created = False
        try:
            with aws_errors(self.client_name, resource):
                try:
                    self.glue.create_table(
                        DatabaseName=table.database, TableInput=spec, **self._catalog
                    )
                    created = True
                except Exception as exc:
                    if not (replace and is_code(exc, "AlreadyExistsException")):
                        raise
                    previous = self._definition(table.database, table.name)
                    self.glue.update_table(
                        DatabaseName=table.database, TableInput=spec, **self._catalog
                    )
                    self._drop_partitions(table.database, table.name)
                self._add_partitions(
                    table.database,
                    table.name,
                    [partition_input(table, p) for p in table.partitions or []],
                )
        except BaseException:
            with suppress(Exception):  # the registration's own error is the one to report
                self._undo(table.database, table.name, created, previous)
            raise
        self._created_databases.discard(table.database)
        return self.get_table(table.database, table.name)

    def _definition(
        self, database_name: str, table_name: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A table's definition and partitions as inputs that recreate them."""
        answer = self.glue.get_table(DatabaseName=database_name, Name=table_name, **self._catalog)
        table = {k: v for k, v in answer["Table"].items() if k in _TABLE_INPUT}
        partitions = [
            {k: v for k, v in p.items() if k in _PARTITION_INPUT}
            for p in self._partitions(database_name, table_name)
        ]
        return table, partitions

    def _add_partitions(
        self, database_name: str, table_name: str, inputs: list[dict[str, Any]]
    ) -> None:
        for start in range(0, len(inputs), _PARTITION_BATCH):
            answer = self.glue.batch_create_partition(
                DatabaseName=database_name,
                TableName=table_name,
                PartitionInputList=inputs[start : start + _PARTITION_BATCH],
                **self._catalog,
            )
            if answer.get("Errors"):
                detail = answer["Errors"][0].get("ErrorDetail", {})
                from botocore.exceptions import ClientError

                raise ClientError(
                    {
                        "Error": {
                            "Code": detail.get("ErrorCode", "Error"),
                            "Message": detail.get("ErrorMessage", ""),
                        }
                    },
                    "BatchCreatePartition",
                )

    def _undo(
        self,
        database_name: str,
        table_name: str,
        created: bool,
        previous: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    ) -> None:
        """Put the catalog back as it was before a failed ``create_table``."""
        if created:
            self.glue.delete_table(DatabaseName=database_name, Name=table_name, **self._catalog)
        elif previous is not None:
            definition, partitions = previous
            self.glue.update_table(
                DatabaseName=database_name, TableInput=definition, **self._catalog
            )
            self._drop_partitions(database_name, table_name)
            self._add_partitions(database_name, table_name, partitions)
        if database_name in self._created_databases:
            tables = self.glue.get_tables(DatabaseName=database_name, **self._catalog)
            if not tables.get("TableList"):
                self.glue.delete_database(Name=database_name, **self._catalog)
                self._created_databases.discard(database_name)

    def delete_table(self, database_name: str, table_name: str) -> Table:
        table = self.get_table(database_name, table_name)
        with aws_errors(self.client_name, f"table '{database_name}.{table_name}'"):
            self.glue.delete_table(DatabaseName=database_name, Name=table_name, **self._catalog)
        return table

    def generate_ddl(self, table: Table) -> str:
        return create_table_ddl(table)

    def credentials(self) -> Credentials:
        return self.aws.canonical_credentials()

    # -- helpers ----------------------------------------------------------------------

    def _partitions(self, database_name: str, table_name: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        pages = self.glue.get_paginator("get_partitions").paginate(
            DatabaseName=database_name, TableName=table_name, **self._catalog
        )
        for page in pages:
            out.extend(page.get("Partitions", []))
        return out

    def _drop_partitions(self, database_name: str, table_name: str) -> None:
        values = [p["Values"] for p in self._partitions(database_name, table_name)]
        for start in range(0, len(values), _PARTITION_BATCH):
            self.glue.batch_delete_partition(
                DatabaseName=database_name,
                TableName=table_name,
                PartitionsToDelete=[
                    {"Values": v} for v in values[start : start + _PARTITION_BATCH]
                ],
                **self._catalog,
            )


def _database(answer: dict[str, Any]) -> Database:
    return Database(
        name=answer["Name"],
        location=answer.get("LocationUri") or None,
        description=answer.get("Description") or None,
        created_at=answer.get("CreateTime"),
    )
