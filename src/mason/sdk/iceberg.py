"""Iceberg tables as Mason's models, whatever catalog holds them.

The catalog-independent part of serving Iceberg tables, shared by the local
client (pyiceberg's SQL catalog) and mason-aws (pyiceberg's Glue catalog):
column types between Mason's canonical names and Iceberg's, a pyiceberg table
described as a :class:`~mason.sdk.models.Table` with its format metadata, the
snapshot a read ``as_of`` sees, and reading a table's rows from its metadata
file through a given pyarrow filesystem (so a remote table is read with the
settings of the configuration's client that reaches it). pyiceberg is imported
inside the functions only.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mason_core.errors import MasonUsageError, NotFoundError
from mason_core.models import (
    Column,
    PartitionField,
    Schema,
    Snapshot,
    Table,
    TableFormatMetadata,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.table import Table as IcebergTable

__all__ = [
    "canonical_type",
    "describe",
    "iceberg_type",
    "local_path",
    "read_rows",
    "snapshot_as_of",
    "snapshot_model",
    "static_table",
]

_DECIMAL = re.compile(r"^decimal(?:128|256)?\(\s*(\d+)\s*,\s*(\d+)\s*\)$")

#: canonical name -> pyiceberg type class name
_TO_ICEBERG = {
    "bool": "BooleanType",
    "boolean": "BooleanType",
    "int8": "IntegerType",
    "int16": "IntegerType",
    "int32": "IntegerType",
    "int": "IntegerType",
    "integer": "IntegerType",
    "int64": "LongType",
    "long": "LongType",
    "bigint": "LongType",
    "float": "FloatType",
    "halffloat": "FloatType",
    "double": "DoubleType",
    "string": "StringType",
    "large_string": "StringType",
    "binary": "BinaryType",
    "large_binary": "BinaryType",
    "date32[day]": "DateType",
    "date": "DateType",
    "time64[us]": "TimeType",
    "timestamp[us]": "TimestampType",
    "timestamp[ms]": "TimestampType",
    "timestamp[s]": "TimestampType",
    "timestamp[ns]": "TimestampType",
    "timestamp": "TimestampType",
}

_FROM_ICEBERG = {
    "BooleanType": "bool",
    "IntegerType": "int32",
    "LongType": "int64",
    "FloatType": "float",
    "DoubleType": "double",
    "StringType": "string",
    "BinaryType": "binary",
    "DateType": "date32[day]",
    "TimeType": "time64[us]",
    "TimestampType": "timestamp[us]",
    "TimestamptzType": "timestamp[us, tz=UTC]",
    "UUIDType": "string",
}


def iceberg_type(name: str) -> Any:
    """The pyiceberg primitive type for a canonical type name; a type Iceberg
    has no primitive for is a usage error."""
    from pyiceberg import types

    text = name.strip().lower()
    match = _DECIMAL.match(text)
    if match:
        return types.DecimalType(int(match.group(1)), int(match.group(2)))
    if text.startswith("timestamp[") and "tz=" in text:
        return types.TimestamptzType()
    if text in _TO_ICEBERG:
        return getattr(types, _TO_ICEBERG[text])()
    raise MasonUsageError(f"type '{name}' has no Iceberg equivalent (e.g. int64, double, string)")


def canonical_type(kind: Any) -> str:
    """Mason's canonical name for a pyiceberg type (nested types as Iceberg prints them)."""
    from pyiceberg import types

    if isinstance(kind, types.DecimalType):
        return f"decimal128({kind.precision}, {kind.scale})"
    return _FROM_ICEBERG.get(type(kind).__name__, str(kind))


def local_path(uri: str) -> str:
    """A ``file://`` URI (as pyiceberg records locations) as a plain path."""
    return uri[len("file://") :] if uri.startswith("file://") else uri


def snapshot_model(snapshot: Any, current: bool = False) -> Snapshot:
    summary = snapshot.summary
    extra = dict(summary.additional_properties) if summary is not None else {}
    return Snapshot(
        snapshot_id=snapshot.snapshot_id,
        parent_id=snapshot.parent_snapshot_id,
        committed_at=datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=timezone.utc),
        operation=summary.operation.value if summary is not None else None,
        summary={k: str(v) for k, v in extra.items()},
        current=current,
    )


def describe(table: IcebergTable, database: str, name: str) -> Table:
    """An Iceberg table as Mason's :class:`Table`, with its format metadata."""
    metadata = table.metadata
    schema = table.schema()
    columns = [
        Column(
            name=f.name,
            type=canonical_type(f.field_type),
            nullable=not f.required,
            description=f.doc,
            field_id=f.field_id,
        )
        for f in schema.fields
    ]
    spec = [
        PartitionField(
            source_column=schema.find_column_name(f.source_id) or str(f.source_id),
            transform=str(f.transform),
            name=f.name,
            field_id=f.field_id,
        )
        for f in table.spec().fields
    ]
    current = table.current_snapshot()
    totals = dict(current.summary.additional_properties) if current and current.summary else {}
    by_name = {c.name: c for c in columns}
    return Table(
        name=name,
        database=database,
        location=local_path(table.location()),
        format="iceberg",
        table_schema=Schema(columns=columns, schema_type="iceberg"),
        partition_keys=[
            by_name[p.source_column]
            for p in spec
            if p.transform == "identity" and p.source_column in by_name
        ],
        updated_at=datetime.fromtimestamp(metadata.last_updated_ms / 1000, tz=timezone.utc),
        created_by=metadata.properties.get("mason.created-by", "mason"),
        file_count=int(totals.get("total-data-files", 0)),
        size_bytes=int(totals.get("total-files-size", 0)),
        format_metadata=TableFormatMetadata(
            format_version=metadata.format_version,
            current_snapshot=snapshot_model(current, True) if current else None,
            snapshot_count=len(metadata.snapshots),
            partition_spec=spec,
            metadata_location=table.metadata_location,
            properties=dict(metadata.properties),
        ),
    )


def snapshot_as_of(table: IcebergTable, as_of: str | None, name: str) -> Any:
    """The snapshot a read sees: the current one, or ``as_of`` a snapshot id
    or an ISO timestamp (the snapshot current then). ``None`` for a table
    with no snapshot yet."""
    if as_of is None or not as_of.strip():
        return table.current_snapshot()
    text = as_of.strip()
    if text.lstrip("-").isdigit():
        snapshot = table.snapshot_by_id(int(text))
        if snapshot is None:
            raise NotFoundError(f"table {name} has no snapshot {text} (see 'table history')")
        return snapshot
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MasonUsageError(
            f"as_of '{as_of}' is neither a snapshot id nor an ISO timestamp (2024-05-01T12:00:00Z)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    snapshot = table.snapshot_as_of_timestamp(int(when.timestamp() * 1000))
    if snapshot is None:
        raise NotFoundError(f"table {name} has no snapshot as of {text}: it is younger")
    return snapshot


def static_table(metadata_location: str, filesystem: Any = None) -> IcebergTable:
    """The table as its metadata file ``metadata_location`` describes it (read
    only). With ``filesystem`` (a ``pyarrow.fs.FileSystem``, e.g. the one
    :class:`~mason.sdk.engines.RemoteFilesystem` gives for the location), every
    metadata, manifest and data file is read through it, so the reads carry
    that filesystem's credentials and endpoint and nothing else; without one,
    pyiceberg reaches the files as its own defaults allow (local files)."""
    from pyiceberg.table import StaticTable

    if filesystem is None:
        return StaticTable.from_metadata(metadata_location)
    from pyiceberg.catalog.noop import NoopCatalog
    from pyiceberg.io.pyarrow import PyArrowFileIO
    from pyiceberg.serializers import FromInputFile

    io = PyArrowFileIO()
    io.fs_by_scheme = lambda scheme, netloc: filesystem
    metadata = FromInputFile.table_metadata(io.new_input(metadata_location))
    return StaticTable(
        identifier=("static-table", metadata_location),
        metadata_location=metadata_location,
        metadata=metadata,
        io=io,
        catalog=NoopCatalog("static-table"),
    )


def read_rows(table: Table, as_of: str | None = None, filesystem: Any = None) -> pa.Table:
    """The rows of the Iceberg ``table`` (a Mason table whose format metadata
    names its metadata file) now, or ``as_of`` a snapshot id or ISO timestamp:
    pyiceberg plans the snapshot's files and reads them (columns matched by
    field id, renamed and added columns resolved, deletes applied). Time travel
    reads with the schema the snapshot was written with."""
    from mason_core.errors import MasonRuntimeError

    name = f"{table.database}.{table.name}"
    metadata = table.format_metadata.metadata_location if table.format_metadata else None
    if not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    static = static_table(metadata, filesystem)
    snapshot = snapshot_as_of(static, as_of, name)
    if snapshot is None:
        return static.schema().as_arrow().empty_table()
    if as_of is None:
        return static.scan().to_arrow()
    return static.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
