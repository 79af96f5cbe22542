"""SQLite the way several mason processes can share it: WAL journal, a busy
timeout instead of 'database is locked', and writes that take the write lock
up front (``BEGIN IMMEDIATE``) so two writers never deadlock on an upgrade."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from mason.sdk.state import no_space_error, writing

BUSY_TIMEOUT_SECONDS = 60.0

_initialised: set[tuple[Path, str]] = set()
_init_lock = threading.Lock()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Database:
    """One SQLite file; every operation opens a short-lived connection, so the
    object is safe to share between threads and holds no lock between calls."""

    def __init__(
        self, path: Path, schema_name: str, create_schema: Callable[[sqlite3.Connection], None]
    ) -> None:
        self.path = path
        self._schema_key = (path, schema_name)
        self._create_schema = create_schema

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with _init_lock:
            if self._schema_key in _initialised and self.path.exists():
                return
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._create_schema(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            _initialised.add(self._schema_key)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection to read with. On a full disk, where SQLite cannot size
        the WAL index it needs to read, the file is read as it was last
        checkpointed (immutable: no lock, no index) when no WAL holds newer
        commits; else the error names the file and the full disk."""
        try:
            conn = _connect(self.path)
            try:
                self._ensure_schema(conn)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                conn.close()
                raise
        except sqlite3.OperationalError as exc:
            conn = self._read_on_a_full_disk(exc)
        with closing(conn):
            yield conn

    def _read_on_a_full_disk(self, exc: sqlite3.OperationalError) -> sqlite3.Connection:
        full = no_space_error(exc, self.path)
        if full is None:
            raise exc
        wal = self.path.with_name(self.path.name + "-wal")
        if not self.path.is_file() or (wal.exists() and wal.stat().st_size > 0):
            raise full from None  # commits still in the WAL: no stale answer
        conn = sqlite3.connect(
            f"{self.path.as_uri()}?immutable=1", uri=True, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the write lock from its first statement;
        a full disk is one error naming the file."""
        with writing(self.path), closing(_connect(self.path)) as conn:
            self._ensure_schema(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
