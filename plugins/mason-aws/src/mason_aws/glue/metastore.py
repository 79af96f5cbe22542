"""The Glue Data Catalog as a metastore: databases, tables, partitions.

``create_table`` registers an inferred table (columns, format, SerDe,
partition keys and every partition), so ``table infer`` on a glue
configuration leaves a table Athena and Spark can read at once.

A registration that fails changes nothing in the catalog: a table it created
is deleted again, a table it was replacing gets its previous definition and
partitions back, and a database this engine created for it (``table infer``
creates the database first) is deleted again while it holds no table.

Iceberg tables (``table_type=ICEBERG``, whoever created them: Mason, Athena,
Spark, Glue jobs) sit beside plain ones in a database; they are described from
their metadata file and served by the table-format verbs through pyiceberg's
Glue catalog (:mod:`mason_aws.glue.iceberg`).

Delta Lake tables others registered (Spark's ``spark.sql.sources.provider=delta``,
a crawler's ``classification=delta``, ``table_type=DELTA``) are described from
their ``_delta_log`` (:mod:`mason_aws.glue.delta`) and their history is served;
Mason does not write them through Glue (the s3 metastore writes Delta on S3).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import (
    CommitResult,
    Credentials,
    Database,
    MaintenanceReport,
    ScanPlan,
    Schema,
    SchemaChange,
    Snapshot,
    Table,
    TableWrite,
)
from mason_aws.config import AwsClientConfig
from mason_aws.ddl import create_table_ddl
from mason_aws.errors import aws_errors, is_code
from mason_aws.glue import delta as glue_delta
from mason_aws.glue.iceberg import GlueIcebergTables, is_iceberg
from mason_aws.glue.tables import from_glue, partition_input, table_input
from mason_aws.session import AwsSession

if TYPE_CHECKING:
    from mason.sdk.iceberg_maintenance import TableFiles

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
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("iceberg", "delta")

    def __init__(self, config: AwsClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)
        #: databases this engine created, deleted again if the registration they
        #: were created for fails while they are still empty
        self._created_databases: set[str] = set()

    @cached_property
    def glue(self) -> Any:
        return self.aws.client("glue")

    @cached_property
    def iceberg(self) -> GlueIcebergTables:
        return GlueIcebergTables(self.aws, getattr(self.config, "catalog_id", None))

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
                out.extend(self._listed(database_name, t) for t in page.get("TableList", []))
        return out

    def _listed(self, database_name: str, answer: dict[str, Any]) -> Table:
        """A table of a listing: an Iceberg or Delta entry whose metadata file
        or ``_delta_log`` cannot be read is listed as registered, marked
        unreadable (:meth:`MetastoreEngine.listed`), rather than fail the listing."""
        fmt = "iceberg" if is_iceberg(answer) else "delta" if glue_delta.is_delta(answer) else None
        if fmt is None:
            return self._table(database_name, answer)
        registered = from_glue(database_name, answer)
        entry = registered.model_copy(
            update={
                "format": fmt,
                "location": (glue_delta.delta_location(answer) if fmt == "delta" else None)
                or registered.location,
                "table_schema": Schema(columns=[], schema_type=fmt),
                "partition_keys": [],
                "partitions": None,
            }
        )
        return self.listed(entry, lambda: self._table(database_name, answer))

    def _table(
        self,
        database_name: str,
        answer: dict[str, Any],
        partitions: list[dict[str, Any]] | None = None,
    ) -> Table:
        if is_iceberg(answer):
            with aws_errors(self.client_name, f"table '{database_name}.{answer['Name']}'"):
                return self.iceberg.describe(database_name, answer)
        if glue_delta.is_delta(answer):
            with aws_errors(self.client_name, f"table '{database_name}.{answer['Name']}'"):
                return glue_delta.describe(database_name, answer, self.aws)
        return from_glue(database_name, answer, partitions)

    def get_table(self, database_name: str, table_name: str) -> Table:
        resource = f"table '{database_name}.{table_name}'"
        with aws_errors(self.client_name, resource):
            answer = self.glue.get_table(
                DatabaseName=database_name, Name=table_name, **self._catalog
            )["Table"]
            partitions = (
                self._partitions(database_name, table_name)
                if answer.get("PartitionKeys")
                and not is_iceberg(answer)
                and not glue_delta.is_delta(answer)
                else None
            )
        return self._table(database_name, answer, partitions)

    def create_table(self, table: Table, replace: bool = False) -> Table:
        if not table.database:
            raise MasonUsageError(f"table '{table.name}' names no database")
        resource = f"table '{table.database}.{table.name}'"
        if table.format == "iceberg":
            if replace:
                self._drop_if_exists(table.database, table.name)
            with aws_errors(self.client_name, resource):
                return self.iceberg.create(table, table.location)
        if table.format == "delta":
            raise glue_delta.refuse(table.database, table.name, "create")
        if table.is_table_format:
            raise MasonUsageError(
                f"the glue client cannot create {table.format} tables (it serves: iceberg)"
            )
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

    def _drop_if_exists(self, database_name: str, table_name: str) -> None:
        try:
            self.glue.delete_table(DatabaseName=database_name, Name=table_name, **self._catalog)
        except Exception as exc:
            if not is_code(exc, "EntityNotFoundException"):
                with aws_errors(self.client_name, f"table '{database_name}.{table_name}'"):
                    raise

    def generate_ddl(self, table: Table) -> str:
        return create_table_ddl(table)

    def credentials(self) -> Credentials:
        return self.aws.canonical_credentials()

    # -- Iceberg ----------------------------------------------------------------------

    def _answer(self, database_name: str, table_name: str) -> dict[str, Any]:
        with aws_errors(self.client_name, f"table '{database_name}.{table_name}'"):
            answer: dict[str, Any] = self.glue.get_table(
                DatabaseName=database_name, Name=table_name, **self._catalog
            )["Table"]
        return answer

    def _iceberg_name(
        self,
        database_name: str,
        table_name: str,
        verb: str = "change",
        answer: dict[str, Any] | None = None,
    ) -> tuple[str, str]:
        """Refuse a table that is not an Iceberg table of this catalog (a Delta
        one in one line saying where Delta tables are written: ``verb``)."""
        if answer is None:
            answer = self._answer(database_name, table_name)
        if glue_delta.is_delta(answer):
            raise glue_delta.refuse(database_name, table_name, verb)
        if not is_iceberg(answer):
            fmt = from_glue(database_name, answer).format
            raise MasonUsageError(
                f"table {database_name}.{table_name} has format {fmt}: only Iceberg tables "
                "have snapshots"
            )
        return database_name, table_name

    def plan_scan(self, database_name: str, table_name: str, as_of: str | None = None) -> ScanPlan:
        from mason.sdk.iceberg import plan

        db, name = self._iceberg_name(database_name, table_name, "plan a scan of")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return plan(self.iceberg.load(db, name), as_of, f"{db}.{name}")

    def write_table(self, database_name: str, table_name: str, write: TableWrite) -> CommitResult:
        from mason.sdk.iceberg import write as write_rows
        from mason_aws.glue.sources import read_sources

        db, name = self._iceberg_name(database_name, table_name, "write")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            data = read_sources(self.aws, write.source_paths) if write.mode != "delete" else None
            return write_rows(self.iceberg, db, name, write, data)

    def evolve_table(
        self, database_name: str, table_name: str, changes: list[SchemaChange]
    ) -> Table:
        from mason.sdk.iceberg import evolve

        db, name = self._iceberg_name(database_name, table_name, "evolve")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            evolve(self.iceberg, db, name, changes)
        return self.get_table(db, name)

    def table_history(self, database_name: str, table_name: str) -> list[Snapshot]:
        from mason.sdk.iceberg import history

        answer = self._answer(database_name, table_name)
        if glue_delta.is_delta(answer):
            with aws_errors(self.client_name, f"table '{database_name}.{table_name}'"):
                return glue_delta.history(database_name, answer, self.aws)
        db, name = self._iceberg_name(database_name, table_name, answer=answer)
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return history(self.iceberg.load(db, name))

    def rollback_table(self, database_name: str, table_name: str, snapshot_id: int) -> Table:
        from mason.sdk.iceberg import rollback

        db, name = self._iceberg_name(database_name, table_name, "roll back")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            rollback(self.iceberg, db, name, snapshot_id)
        return self.get_table(db, name)

    def _files(self) -> TableFiles:
        from mason.sdk.iceberg_maintenance import TableFiles

        return TableFiles(self.aws.arrow_s3(), "s3://")

    def expire_snapshots(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        retain_last: int = 1,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.iceberg_maintenance import expire

        db, name = self._iceberg_name(database_name, table_name, "expire snapshots of")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return expire(
                self.iceberg,
                self._files(),
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
        from mason.sdk.iceberg_maintenance import compact

        db, name = self._iceberg_name(database_name, table_name, "compact")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return compact(
                self.iceberg,
                self._files(),
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
        from mason.sdk.iceberg_maintenance import clean

        db, name = self._iceberg_name(database_name, table_name, "clean orphan files of")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return clean(
                self.iceberg, self._files(), db, name, older_than, dry_run, self.context.progress
            )

    def add_files(self, database_name: str, table_name: str, paths: list[str]) -> CommitResult:
        """Adopt parquet files on S3 (``s3://`` URIs) where they are, in one commit."""
        from mason.sdk.iceberg import add_files, label

        db, name = self._iceberg_name(database_name, table_name, "add files to")
        files = self._files()
        for path in paths:
            if not path.startswith("s3://") or files.size(path) is None:
                raise NotFoundError(f"no file {path} on S3 to add to table {label(db, name)}")
        with aws_errors(self.client_name, f"table '{db}.{name}'"):
            return add_files(self.iceberg, db, name, paths)

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
