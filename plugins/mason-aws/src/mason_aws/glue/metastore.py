"""The Glue Data Catalog as a metastore: databases, tables, partitions.

``create_table`` registers an inferred table (columns, format, SerDe,
partition keys and every partition), so ``table infer`` on a glue
configuration leaves a table Athena and Spark can read at once.
"""

from __future__ import annotations

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


class GlueMetastore(MetastoreEngine):
    config: AwsClientConfig

    def __init__(self, config: AwsClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)

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
        with aws_errors(self.client_name, resource):
            try:
                self.glue.create_table(
                    DatabaseName=table.database, TableInput=spec, **self._catalog
                )
            except Exception as exc:
                if not (replace and is_code(exc, "AlreadyExistsException")):
                    raise
                self.glue.update_table(
                    DatabaseName=table.database, TableInput=spec, **self._catalog
                )
                self._drop_partitions(table.database, table.name)
            for start in range(0, len(table.partitions or []), _PARTITION_BATCH):
                batch = (table.partitions or [])[start : start + _PARTITION_BATCH]
                answer = self.glue.batch_create_partition(
                    DatabaseName=table.database,
                    TableName=table.name,
                    PartitionInputList=[partition_input(table, p) for p in batch],
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
        return self.get_table(table.database, table.name)

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
