"""The local catalog: databases and external tables in a SQLite file.

A table row holds where its files are and how to read them (format, schema,
partition keys and partitions, reader properties); the data stays where it is.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mason.sdk.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from mason.sdk.models import Column, Database, Partition, Schema, Table
from mason_local.sqlite import Database as SqliteFile

CATALOG_FILE = "catalog.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS databases (
    name        TEXT PRIMARY KEY,
    location    TEXT,
    description TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tables (
    database        TEXT NOT NULL REFERENCES databases(name) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    location        TEXT,
    format          TEXT,
    schema_json     TEXT NOT NULL,
    partition_keys  TEXT NOT NULL,
    partitions      TEXT,
    properties      TEXT NOT NULL,
    file_count      INTEGER,
    size_bytes      INTEGER,
    created_by      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (database, name)
);
"""


def create_catalog_schema(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Catalog:
    def __init__(self, path: Path) -> None:
        self.db = SqliteFile(path, "catalog", create_catalog_schema)

    @property
    def path(self) -> Path:
        return self.db.path

    # -- databases --------------------------------------------------------------------

    def list_databases(self) -> list[Database]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT d.*, (SELECT COUNT(*) FROM tables t WHERE t.database = d.name) AS n "
                "FROM databases d ORDER BY d.name"
            ).fetchall()
        return [_database(row) for row in rows]

    def get_database(self, name: str) -> Database:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT d.*, (SELECT COUNT(*) FROM tables t WHERE t.database = d.name) AS n "
                "FROM databases d WHERE d.name = ?",
                (name,),
            ).fetchone()
            if row is None:
                raise NotFoundError(_missing_database(conn, name))
        return _database(row)

    def create_database(
        self, name: str, exist_ok: bool = True, location: str | None = None
    ) -> Database:
        with self.db.write() as conn:
            created = _insert_database(conn, name, location)
        if not created and not exist_ok:
            raise AlreadyExistsError(f"database '{name}' already exists")
        return self.get_database(name)

    # -- tables -----------------------------------------------------------------------

    def list_tables(self, database: str) -> list[Table]:
        with self.db.read() as conn:
            if not _has_database(conn, database):
                raise NotFoundError(_missing_database(conn, database))
            rows = conn.execute(
                "SELECT * FROM tables WHERE database = ? ORDER BY name", (database,)
            ).fetchall()
        return [_table(row) for row in rows]

    def get_table(self, database: str, name: str) -> Table:
        with self.db.read() as conn:
            return _table(_table_row(conn, database, name))

    def create_table(self, table: Table, replace: bool = False) -> Table:
        """Register ``table`` (creating its database if needed); an existing
        entry is replaced only when ``replace`` is set, keeping its creation time."""
        if not table.database:
            raise MasonUsageError(f"table '{table.name}' names no database")
        now = utc_now().isoformat()
        with self.db.write() as conn:
            _insert_database(conn, table.database, None)
            old = conn.execute(
                "SELECT created_at FROM tables WHERE database = ? AND name = ?",
                (table.database, table.name),
            ).fetchone()
            if old is not None and not replace:
                raise AlreadyExistsError(
                    f"table '{table.name}' already exists in database '{table.database}'"
                )
            conn.execute(
                "INSERT OR REPLACE INTO tables (database, name, location, format, schema_json, "
                "partition_keys, partitions, properties, file_count, size_bytes, created_by, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    table.database,
                    table.name,
                    table.location,
                    table.format,
                    table.table_schema.model_dump_json(),
                    json.dumps([c.model_dump(mode="json") for c in table.partition_keys]),
                    None
                    if table.partitions is None
                    else json.dumps([p.model_dump(mode="json") for p in table.partitions]),
                    json.dumps(table.properties, sort_keys=True),
                    table.file_count,
                    table.size_bytes,
                    table.created_by,
                    old["created_at"] if old is not None else now,
                    now,
                ),
            )
        return self.get_table(table.database, table.name)

    def delete_table(self, database: str, name: str) -> Table:
        with self.db.write() as conn:
            removed = _table(_table_row(conn, database, name))
            conn.execute("DELETE FROM tables WHERE database = ? AND name = ?", (database, name))
        return removed


# -- rows <-> models ------------------------------------------------------------------


def _insert_database(conn: sqlite3.Connection, name: str, location: str | None) -> bool:
    cursor = conn.execute(
        "INSERT OR IGNORE INTO databases (name, location, created_at) VALUES (?, ?, ?)",
        (name, location, utc_now().isoformat()),
    )
    return cursor.rowcount == 1


def _has_database(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM databases WHERE name = ?", (name,)).fetchone() is not None


def _missing_database(conn: sqlite3.Connection, name: str) -> str:
    names = [r[0] for r in conn.execute("SELECT name FROM databases ORDER BY name LIMIT 20")]
    known = ", ".join(names) if names else "none yet"
    return f"database '{name}' not found in the local catalog (databases: {known})"


def _table_row(conn: sqlite3.Connection, database: str, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM tables WHERE database = ? AND name = ?", (database, name)
    ).fetchone()
    if row is None:
        if not _has_database(conn, database):
            raise NotFoundError(f"table '{name}' not found: {_missing_database(conn, database)}")
        raise NotFoundError(f"table '{name}' not found in database '{database}'")
    return row


def _database(row: sqlite3.Row) -> Database:
    return Database(
        name=row["name"],
        location=row["location"],
        description=row["description"],
        created_at=datetime.fromisoformat(row["created_at"]),
        table_count=row["n"],
    )


def _table(row: sqlite3.Row) -> Table:
    partitions: Any = row["partitions"]
    return Table(
        name=row["name"],
        database=row["database"],
        location=row["location"],
        format=row["format"],
        table_schema=Schema.model_validate_json(row["schema_json"]),
        partition_keys=[Column.model_validate(c) for c in json.loads(row["partition_keys"])],
        partitions=None
        if partitions is None
        else [Partition.model_validate(p) for p in json.loads(partitions)],
        properties=json.loads(row["properties"]),
        file_count=row["file_count"],
        size_bytes=row["size_bytes"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )
