"""The original Mason's S3 metastore: a bucket is a database, a top-level
prefix a table, and a table's schema is inferred from its objects on request.

Nothing is stored anywhere but S3 itself, so ``create_table`` can only
accept a table that already sits where this naming puts it.

A prefix holding a ``_delta_log/`` is a Delta table: listed with the format
``delta``, described from its log by ``get_table``, and served by the
table-format verbs (write, history, rollback, expire, compact, clean) through
:mod:`mason.sdk.delta` with this client's settings as delta-rs storage
options. Every commit creates its log entry with a conditional put
(``If-None-Match: *``; :func:`mason.sdk.delta.commit_options`), so two
writers never replace each other's commit; an option that would commit
otherwise is refused.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from mason.sdk.models import (
    CommitResult,
    Credentials,
    Database,
    MaintenanceReport,
    Snapshot,
    Table,
    TableWrite,
)
from mason.sdk.tabular import format_from_name
from mason_aws.config import S3ClientConfig
from mason_aws.errors import aws_errors
from mason_aws.s3.inference import DELTA_LOG
from mason_aws.s3.listing import children, under
from mason_aws.s3.paths import S3Location, is_data_key, parse_s3
from mason_aws.s3.storage import S3Storage

if TYPE_CHECKING:
    from mason.sdk.iceberg_maintenance import TableFiles


class S3Metastore(MetastoreEngine):
    config: S3ClientConfig

    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ("delta",)

    def __init__(self, config: S3ClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def storage(self) -> S3Storage:
        return S3Storage(self.config, self.context)

    def list_databases(self) -> list[Database]:
        with aws_errors(self.client_name, "buckets"):
            answer = self.storage.s3.list_buckets()
        return [
            Database(
                name=b["Name"], location=f"s3://{b['Name']}/", created_at=b.get("CreationDate")
            )
            for b in answer.get("Buckets", [])
        ]

    def get_database(self, database_name: str) -> Database:
        loc = parse_s3(database_name)
        if not self.storage.exists(f"s3://{loc.bucket}"):
            raise NotFoundError(f"{self.client_name}: bucket {loc.bucket} not found")
        return Database(name=loc.bucket, location=f"s3://{loc.bucket}/")

    def create_database(self, database_name: str, exist_ok: bool = True) -> Database:
        """Buckets are made outside Mason; an existing one is accepted."""
        return self.get_database(database_name)

    def list_tables(self, database_name: str) -> list[Table]:
        """Every top-level prefix holding data, its format read off its first data
        object; schemas are inferred by ``get_table``, one table at a time."""
        self.get_database(database_name)
        bucket = parse_s3(database_name).bucket
        prefixes, _ = children(self.storage.s3, self.client_name, S3Location(bucket))
        tables = []
        for prefix in prefixes:
            name = prefix.rstrip("/")
            if not is_data_key(name):
                continue
            sample = under(self.storage.s3, self.client_name, S3Location(bucket, prefix), 50)
            formats = [format_from_name(o.key) for o in sample if is_data_key(o.key[len(prefix) :])]
            fmt = next((f for f in formats if f), None)
            log = S3Location(bucket, f"{prefix}{DELTA_LOG}/")
            if under(self.storage.s3, self.client_name, log, 1):
                fmt = "delta"
            if fmt is None:
                continue
            tables.append(
                Table(name=name, database=bucket, location=f"s3://{bucket}/{prefix}", format=fmt)
            )
        return tables

    def get_table(self, database_name: str, table_name: str) -> Table:
        self.context.logger.info("Fetching keys at %s/%s", database_name, table_name)
        loc = self._location(database_name, table_name)
        if self._has_log(loc):
            from mason.sdk.delta import describe

            return describe(self._entry(loc, table_name), self._options())
        inferred = self.storage.infer_table(loc.uri, loc.bucket, table_name.strip("/"))
        for warning in inferred.warnings:  # the operator's envelope, not only the log
            self.context.warning(warning)
        return inferred.table

    def create_table(self, table: Table, replace: bool = False) -> Table:
        if not table.database:
            raise MasonUsageError(f"table '{table.name}' names no database (bucket)")
        expected = self._location(table.database, table.name)
        given = parse_s3(table.location or "")
        if given.bucket != expected.bucket or given.prefix != expected.prefix:
            raise MasonUsageError(
                f"the s3 metastore names a table by its prefix: table '{table.name}' of "
                f"database '{table.database}' is {expected.uri}, not {table.location}"
            )
        if not replace:
            # a table here is its prefix, so it exists already: creating it again
            # would replace it, which the canonical contract does only when asked
            raise AlreadyExistsError(
                f"{self.client_name}: table '{table.database}.{table.name}' exists at "
                f"{expected.uri}; pass replace to register it again"
            )
        return table

    def credentials(self) -> Credentials:
        return self.storage.aws.canonical_credentials()

    def _location(self, database_name: str, table_name: str) -> S3Location:
        bucket = parse_s3(database_name).bucket
        return S3Location(bucket, table_name.strip("/") + "/")

    # -- Delta tables ------------------------------------------------------------------

    def _has_log(self, loc: S3Location) -> bool:
        log = S3Location(loc.bucket, loc.prefix + DELTA_LOG + "/")
        return bool(under(self.storage.s3, self.client_name, log, 1))

    def _entry(self, loc: S3Location, table_name: str) -> Table:
        return Table(
            name=table_name.strip("/"), database=loc.bucket, location=loc.uri, format="delta"
        )

    def _options(self) -> dict[str, str]:
        """delta-rs storage options: this client's credentials (current), region,
        endpoint and timeouts."""
        return self.storage.aws.object_store_options()

    def _files(self) -> TableFiles:
        from mason.sdk.iceberg_maintenance import TableFiles

        return TableFiles(self.storage.aws.arrow_s3(), "s3://")

    def _delta(self, database_name: str, table_name: str) -> Table:
        """The Delta table at the prefix; NotFoundError when nothing is there, a
        usage error for a plain one."""
        loc = self._location(database_name, table_name)
        if self._has_log(loc):
            return self._entry(loc, table_name)
        if under(self.storage.s3, self.client_name, loc, 1):
            raise MasonUsageError(
                f"table {loc.bucket}.{table_name.strip('/')} ({loc.uri}) is plain files, not a "
                "Delta table: the s3 client's table-format verbs serve Delta tables"
            )
        raise NotFoundError(f"{self.client_name}: no table at {loc.uri}")

    def write_table(self, database_name: str, table_name: str, write: TableWrite) -> CommitResult:
        from mason.sdk.delta import write as commit_rows
        from mason_aws.glue.sources import read_sources

        entry = self._delta(database_name, table_name)
        with aws_errors(self.client_name, f"table '{entry.database}.{entry.name}'"):
            data = None
            if write.mode != "delete":
                data = read_sources(self.storage.aws, write.source_paths)
            return commit_rows(entry, write, data, self._options())

    def table_history(self, database_name: str, table_name: str) -> list[Snapshot]:
        from mason.sdk.delta import open_table, snapshots

        entry = self._delta(database_name, table_name)
        name = f"{entry.database}.{entry.name}"
        return snapshots(open_table(entry.location or "", name, storage_options=self._options()))

    def rollback_table(self, database_name: str, table_name: str, snapshot_id: int) -> Table:
        from mason.sdk.delta import rollback

        rollback(self._delta(database_name, table_name), snapshot_id, self._options())
        return self.get_table(database_name, table_name)

    def expire_snapshots(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        retain_last: int = 1,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.delta import expire

        entry = self._delta(database_name, table_name)
        return expire(
            entry,
            older_than,
            retain_last,
            dry_run,
            self.context.progress,
            self._options(),
            self._files(),
        )

    def compact_table(
        self,
        database_name: str,
        table_name: str,
        target_file_bytes: int,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.delta import compact

        entry = self._delta(database_name, table_name)
        return compact(entry, target_file_bytes, dry_run, self.context.progress, self._options())

    def clean_orphan_files(
        self,
        database_name: str,
        table_name: str,
        older_than: datetime,
        dry_run: bool = False,
    ) -> MaintenanceReport:
        from mason.sdk.delta import clean

        entry = self._delta(database_name, table_name)
        return clean(entry, older_than, dry_run, self.context.progress, self._files())
