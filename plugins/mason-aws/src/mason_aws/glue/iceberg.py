"""Iceberg tables in the Glue Data Catalog, data and metadata on S3.

Glue marks an Iceberg table with the parameters ``table_type=ICEBERG`` and
``metadata_location`` (the current metadata file); its StorageDescriptor may
be sparse (Athena's are), so a table is always described from its metadata
file, never from Glue's columns. Tables are read and committed through
pyiceberg's Glue catalog, handed this client's own boto3 Glue client (its
credentials, endpoint, retries, catalog id), and every metadata, manifest and
data file goes through this client's pyarrow S3 filesystem
(:meth:`mason_aws.session.AwsSession.arrow_s3`), so pyiceberg reaches exactly
what the client reaches. pyiceberg is imported inside functions only.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from mason.sdk.iceberg import (
    IcebergCatalog,
    describe,
    first_line,
    label,
    metadata_gone,
    new_table_layout,
    new_table_properties,
    static_table,
)
from mason.sdk.models import Table
from mason_aws.session import AwsSession

if TYPE_CHECKING:
    from pyiceberg.catalog.glue import GlueCatalog
    from pyiceberg.table import Table as IcebergTable

CATALOG_NAME = "glue"


def is_iceberg(answer: dict[str, Any]) -> bool:
    """Whether a ``GetTable`` answer is an Iceberg table (as Glue, pyiceberg,
    Spark and Athena mark one)."""
    parameters = answer.get("Parameters") or {}
    return str(parameters.get("table_type", "")).lower() == "iceberg"


class GlueIcebergTables(IcebergCatalog):
    """The Iceberg tables of one Glue catalog."""

    def __init__(self, aws: AwsSession, catalog_id: str | None) -> None:
        self.aws = aws
        self.catalog_id = catalog_id

    @cached_property
    def catalog(self) -> GlueCatalog:
        from pyiceberg.catalog.glue import GlueCatalog

        from mason.sdk.iceberg import file_io

        aws = self.aws

        class _Catalog(GlueCatalog):
            def _load_file_io(self, properties: Any = None, location: str | None = None) -> Any:
                # the client's filesystem as its credentials are now (an assumed
                # role's are refreshed when a table is loaded again)
                return file_io(aws.arrow_s3())

        properties = {"glue.id": self.catalog_id} if self.catalog_id else {}
        return _Catalog(CATALOG_NAME, client=self.aws.client("glue"), **properties)

    def describe(self, database: str, answer: dict[str, Any]) -> Table:
        """A Glue ``GetTable`` answer of an Iceberg table as Mason's table, read
        from the metadata file it points at."""
        name = str(answer["Name"])
        location = (answer.get("Parameters") or {}).get("metadata_location")
        if not location:
            raise NotFoundError(
                f"Iceberg table '{label(database, name)}' has no metadata_location in Glue"
            )
        try:
            metadata = static_table(str(location), self.aws.arrow_s3())
        except FileNotFoundError:
            raise metadata_gone(database, name, str(location)) from None
        table = describe(metadata, database, name)
        update: dict[str, Any] = {"created_at": answer.get("CreateTime")}
        if table.format_metadata and "mason.created-by" not in table.format_metadata.properties:
            update["created_by"] = str(answer.get("CreatedBy") or "glue")  # Athena's, Spark's...
        return table.model_copy(update=update)

    def load(self, database: str, name: str) -> IcebergTable:
        from pyiceberg.exceptions import NoSuchIcebergTableError, NoSuchTableError

        try:
            return self.catalog.load_table((database, name))
        except (NoSuchTableError, NoSuchIcebergTableError):
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found") from None

    def create(self, table: Table, location: str | None) -> Table:
        """An empty Iceberg table with ``table``'s columns and partitioning,
        its files under ``location`` (else the Glue database's location)."""
        from pyiceberg.exceptions import TableAlreadyExistsError

        database = table.database or ""
        schema, spec = new_table_layout(table)
        try:
            created = self.catalog.create_table(
                (database, table.name),
                schema=schema,
                partition_spec=spec,
                location=location,
                properties=new_table_properties(table),
            )
        except TableAlreadyExistsError:
            raise AlreadyExistsError(
                f"table '{table.name}' already exists in database '{database}'"
            ) from None
        except ValueError as exc:  # no location: neither the table's nor the database's
            raise MasonUsageError(
                f"Iceberg table {label(database, table.name)} needs a location "
                f"(s3://bucket/prefix/), or its Glue database one: {first_line(exc)}"
            ) from None
        return describe(created, database, table.name)
