"""The local Iceberg catalog: pyiceberg's SQL catalog on SQLite beside the
local catalog in MASON_HOME, tables under the warehouse folder.

A database is an Iceberg namespace of the same name. Listing a database's
Iceberg table names reads the SQLite file directly (no pyiceberg import), so
databases without Iceberg tables cost nothing extra. The opened catalog and
the parsed metadata of loaded tables are kept per process (see
:func:`open_catalog` and :meth:`IcebergTables.load`), so a run that writes a
table pays neither again while nothing changed them.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mason.sdk.errors import AlreadyExistsError, MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import (
    Column,
    PartitionField,
    Schema,
    Snapshot,
    Table,
    TableFormatMetadata,
)
from mason_local.config import LocalClientConfig
from mason_local.iceberg.types import canonical_type, iceberg_type

if TYPE_CHECKING:
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.table import Table as IcebergTable

T = TypeVar("T")

CATALOG_NAME = "mason"
ICEBERG_FILE = "iceberg.sqlite"
#: attempts at a commit that a concurrent writer keeps beating, before failing.
MAX_COMMIT_ATTEMPTS = 6
#: opened catalogs kept per process (each holds a SQLAlchemy engine).
CATALOGS_KEPT = 4
#: loaded tables kept per process, reused while the catalog still points at
#: the metadata file they were loaded from.
TABLES_KEPT = 16

# (catalog file, warehouse URI) -> (the file's identity when opened, catalog)
_catalogs: OrderedDict[tuple[str, str], tuple[tuple[int, int], SqlCatalog]] = OrderedDict()
_catalogs_lock = threading.Lock()
# (catalog file, database, table) -> (its metadata file, the parsed metadata,
# the catalog), as last loaded or committed here
_tables: OrderedDict[tuple[str, str, str], tuple[str, Any, SqlCatalog]] = OrderedDict()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def _has_catalog_tables(path: Path) -> bool:
    """Whether the SQLite file at ``path`` has pyiceberg's catalog tables (a
    new file that happens to get a deleted one's inode number has not)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'iceberg_tables'"
        ).fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(row and row[0])


def open_catalog(catalog_file: Path, warehouse: Path) -> SqlCatalog:
    """pyiceberg's SQL catalog on ``catalog_file``, opened once per process.

    Opening one builds a SQLAlchemy engine and checks (or creates) the
    catalog's tables, which costs more than a small append's own commit, so
    the opened catalog is kept and reused while its file is the same file (a
    deleted or replaced file, or one without the catalog's tables, is opened
    afresh). It holds no table state: every load and commit still reads the
    catalog row, so other processes' commits are seen."""
    from pyiceberg.catalog.sql import SqlCatalog

    key = (str(catalog_file), warehouse.as_uri())
    with _catalogs_lock:
        kept = _catalogs.get(key)
        if (
            kept is not None
            and kept[0] == _file_identity(catalog_file)
            and _has_catalog_tables(catalog_file)
        ):
            _catalogs.move_to_end(key)
            return kept[1]
        catalog_file.parent.mkdir(parents=True, exist_ok=True)
        warehouse.mkdir(parents=True, exist_ok=True)
        catalog = SqlCatalog(CATALOG_NAME, uri=f"sqlite:///{catalog_file}", warehouse=key[1])
        identity = _file_identity(catalog_file)
        if kept is not None:
            kept[1].engine.dispose()
        if identity is not None:
            _catalogs[key] = (identity, catalog)
            _catalogs.move_to_end(key)
        while len(_catalogs) > CATALOGS_KEPT:
            _catalogs.popitem(last=False)[1][1].engine.dispose()
        return catalog


def local_path(uri: str) -> str:
    """A ``file://`` URI (as pyiceberg records locations) as a plain path."""
    return uri[len("file://") :] if uri.startswith("file://") else uri


def label(database: str, name: str) -> str:
    return f"{database}.{name}"


@dataclass
class IcebergTables:
    """The local client's Iceberg tables: ``catalog_file`` (SQLite) and ``warehouse``."""

    catalog_file: Path
    warehouse: Path
    #: the tables ``get`` loaded, kept for the first attempt of the commit that
    #: usually follows in the same run (a stale one only costs that attempt).
    _loaded: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, config: LocalClientConfig, home: Path, catalog_file: Path) -> IcebergTables:
        """Beside the local catalog file; the warehouse is ``config.warehouse``,
        else ``warehouse`` under the root, else under MASON_HOME."""
        if config.warehouse:
            warehouse = Path(config.warehouse).expanduser().resolve()
        elif config.root:
            warehouse = Path(config.root).expanduser().resolve() / "warehouse"
        else:
            warehouse = home / "clients" / "local" / "warehouse"
        return cls(catalog_file.with_name(ICEBERG_FILE), warehouse)

    @cached_property
    def catalog(self) -> SqlCatalog:
        return open_catalog(self.catalog_file, self.warehouse)

    # -- names, without pyiceberg -----------------------------------------------------

    def _rows(self, sql: str, params: tuple[str, ...]) -> list[Any]:
        """``sql`` over the catalog's SQLite file, read-only, without pyiceberg;
        no rows when there is no catalog (or its tables are not created yet)."""
        if not self.catalog_file.exists():
            return []
        conn = sqlite3.connect(f"file:{self.catalog_file}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # the catalog's tables are not created yet
            return []
        finally:
            conn.close()

    def names(self, database: str) -> list[str]:
        """Names of the Iceberg tables in ``database``, read from SQLite directly."""
        rows = self._rows(
            "SELECT table_name FROM iceberg_tables "
            "WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name",
            (CATALOG_NAME, database),
        )
        return [str(r[0]) for r in rows]

    def exists(self, database: str, name: str) -> bool:
        return name in self.names(database)

    def pointer(self, database: str, name: str) -> str | None:
        """The metadata file the catalog points at for the table, read from
        SQLite directly; ``None`` when there is no such table."""
        rows = self._rows(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? "
            "AND table_namespace = ? AND table_name = ?",
            (CATALOG_NAME, database, name),
        )
        return str(rows[0][0]) if rows else None

    # -- tables -----------------------------------------------------------------------

    def load(self, database: str, name: str) -> IcebergTable:
        """The table as the catalog has it now, as a table object of its own.

        Iceberg metadata files are never rewritten and pyiceberg's parsed
        metadata is immutable, so metadata loaded (or committed) earlier in
        this process from the file the catalog still points at is reused
        rather than read and parsed again. Another pointer (another writer
        committed) loads afresh."""
        from pyiceberg.exceptions import NoSuchTableError
        from pyiceberg.table import Table as IcebergTable

        pointer = self.pointer(database, name)
        if pointer is None:
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found")
        with _catalogs_lock:
            kept = _tables.get((str(self.catalog_file), database, name))
        if kept is not None and kept[0] == pointer and kept[2] is self.catalog:
            io = self.catalog._load_file_io(kept[1].properties, pointer)
            return IcebergTable((database, name), kept[1], pointer, io, self.catalog)
        try:
            table = self.catalog.load_table((database, name))
        except NoSuchTableError:
            raise NotFoundError(f"Iceberg table '{label(database, name)}' not found") from None
        self._keep(database, name, table)
        return table

    def _keep(self, database: str, name: str, table: IcebergTable) -> None:
        key = (str(self.catalog_file), database, name)
        kept = (table.metadata_location, table.metadata, self.catalog)
        with _catalogs_lock:
            _tables[key] = kept
            _tables.move_to_end(key)
            while len(_tables) > TABLES_KEPT:
                _tables.popitem(last=False)

    def get(self, database: str, name: str) -> Table:
        table = self.load(database, name)
        self._loaded[(database, name)] = table
        return describe(table, database, name)

    def list(self, database: str) -> list[Table]:
        return [self.get(database, name) for name in self.names(database)]

    def create(self, table: Table, replace: bool = False) -> Table:
        """An empty Iceberg table with ``table``'s columns, partitioned by its
        partition keys (identity) or its ``format_metadata.partition_spec``."""
        from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC, PartitionSpec
        from pyiceberg.partitioning import PartitionField as IcebergPartitionField
        from pyiceberg.schema import Schema as IcebergSchema
        from pyiceberg.transforms import parse_transform
        from pyiceberg.types import NestedField

        database = table.database or ""
        if not database:
            raise MasonUsageError(f"table '{table.name}' names no database")
        columns = list(table.table_schema.columns)
        names = {c.name for c in columns}
        columns += [k for k in table.partition_keys if k.name not in names]
        if not columns:
            raise MasonUsageError(f"Iceberg table '{table.name}' needs at least one column")
        fields = [
            NestedField(
                field_id=i,
                name=c.name,
                field_type=iceberg_type(c.type),
                required=False,
                doc=c.description,
            )
            for i, c in enumerate(columns, start=1)
        ]
        schema = IcebergSchema(*fields)
        wanted = (
            table.format_metadata.partition_spec
            if table.format_metadata and table.format_metadata.partition_spec
            else [PartitionField(source_column=k.name) for k in table.partition_keys]
        )
        ids = {c.name: i for i, c in enumerate(columns, start=1)}
        spec = UNPARTITIONED_PARTITION_SPEC
        if wanted:
            spec = PartitionSpec(
                *(
                    IcebergPartitionField(
                        source_id=ids[p.source_column],
                        field_id=1000 + n,
                        transform=parse_transform(p.transform),
                        name=p.name or _partition_name(p.source_column, p.transform),
                    )
                    for n, p in enumerate(wanted)
                )
            )
        if self.exists(database, table.name):
            if not replace:
                raise AlreadyExistsError(
                    f"table '{table.name}' already exists in database '{database}'"
                )
            self.catalog.drop_table((database, table.name))
        self.catalog.create_namespace_if_not_exists(database)
        created = self.catalog.create_table(
            (database, table.name),
            schema=schema,
            partition_spec=spec,
            properties={
                "write.parquet.compression-codec": "zstd",
                "mason.created-by": table.created_by or "mason",
            },
        )
        return describe(created, database, table.name)

    def drop(self, database: str, name: str) -> Table:
        """Remove the catalog entry; data and metadata files stay."""
        removed = self.get(database, name)
        self.catalog.drop_table((database, name))
        return removed

    # -- commits ----------------------------------------------------------------------

    def commit(self, database: str, name: str, work: Callable[[IcebergTable], T]) -> Committed[T]:
        """Run ``work`` (which commits once) on the freshly loaded table; when a
        concurrent writer committed first, load it again and redo the whole
        work, at most :data:`MAX_COMMIT_ATTEMPTS` times.

        pyiceberg itself rebases a lost append onto the new snapshot a few times
        (``commit.retry.num-retries``) and refuses one whose files a concurrent
        commit changed (a ``ValidationException``); this loop redoes what it
        cannot (an overwrite or upsert planned against files since replaced)."""
        from pyiceberg.exceptions import CommitFailedException, ValidationException

        for attempt in range(MAX_COMMIT_ATTEMPTS):
            cached = self._loaded.pop((database, name), None) if attempt == 0 else None
            table = cached if cached is not None else self.load(database, name)
            current = table.current_snapshot()
            try:
                result = work(table)
            except (CommitFailedException, ValidationException):
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
                continue
            # a committed pyiceberg table holds the metadata it committed
            self._keep(database, name, table)
            return Committed(result, attempt, current.snapshot_id if current else None, table)
        raise MasonRuntimeError(
            f"table {label(database, name)}: other writers committed first "
            f"{MAX_COMMIT_ATTEMPTS} times in a row; nothing was written, try again"
        )


@dataclass
class Committed(Generic[T]):
    """What :meth:`IcebergTables.commit` did."""

    result: T
    #: attempts lost to concurrent writers before this one won.
    retries: int
    #: the snapshot current before the winning commit.
    since: int | None
    #: the table as committed.
    table: IcebergTable

    @property
    def snapshot_id(self) -> int | None:
        """The table's current snapshot after the commit."""
        current = self.table.current_snapshot()
        return current.snapshot_id if current else None


def _partition_name(column: str, transform: str) -> str:
    kind = transform.split("[", 1)[0]
    return column if kind == "identity" else f"{column}_{kind}"


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
