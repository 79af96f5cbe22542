"""SQLite the way several mason processes can share it: WAL journal, a busy
timeout instead of 'database is locked', and writes that take the write lock
up front (``BEGIN IMMEDIATE``) so two writers never deadlock on an upgrade.

Readers never wait for writers, and never write:

- a read checks the schema with reads only (``PRAGMA user_version`` and the
  journal mode); only a file that is new, older than its schema version or
  not yet in WAL mode is migrated, once, under the write lock. A WAL reader
  takes no lock a writer holds, so a writer stopped in the middle of a
  transaction does not hold up a read elsewhere.
- a file this process may not write (the file, or the folder its ``-wal`` and
  ``-shm`` go in, is not writable: a shared or another account's home, mode
  555) is opened read-only and creates nothing beside it. While a writer has
  it open (its ``-shm`` is there) the reader shares that index read-only
  (``mode=ro``) and sees committed transactions as any reader; otherwise it
  reads the file as it is (``immutable=1``: no ``-shm``, no locks), which is
  exact unless an account that can write it changes it during that one read.
  Nothing is left behind, so fixing the permissions later is enough to write.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.state import no_space_error, writing

BUSY_TIMEOUT_SECONDS = 60.0

_initialised: set[tuple[Path, str]] = set()
_init_lock = threading.Lock()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return _prepared(
        sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    )


def _prepared(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def writable(path: Path) -> bool:
    """Whether this process may write the SQLite file at ``path``: the file (if
    it exists) and the folder its journal files go in (or, for a file not made
    yet, the nearest folder that exists)."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK)


class Database:
    """One SQLite file; every operation opens a short-lived connection, so the
    object is safe to share between threads and holds no lock between calls.

    ``create_schema`` makes the schema (``CREATE ... IF NOT EXISTS``);
    ``schema_version`` is recorded as the file's ``user_version`` once it ran,
    so that a later process sees with a read that there is nothing to do.
    """

    def __init__(
        self,
        path: Path,
        schema_name: str,
        create_schema: Callable[[sqlite3.Connection], None],
        schema_version: int = 1,
    ) -> None:
        self.path = path
        self._schema_key = (path, schema_name)
        self._create_schema = create_schema
        self._schema_version = schema_version

    def _current(self, conn: sqlite3.Connection) -> bool:
        """Whether the file needs no migration: read, without taking the write lock."""
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
        return version >= self._schema_version and mode == "wal"

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with _init_lock:
            if self._schema_key in _initialised and self.path.exists():
                return
            if not self._current(conn):
                self._migrate(conn)
            _initialised.add(self._schema_key)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._create_schema(conn)
            conn.execute(f"PRAGMA user_version = {int(self._schema_version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _read_only(self) -> sqlite3.Connection:
        """A connection that cannot write and creates no file (see the module's notes)."""
        if not self.path.exists():  # nothing recorded yet: an empty schema in memory
            conn = _prepared(sqlite3.connect(":memory:", isolation_level=None))
            self._create_schema(conn)
            return conn
        modes = ["immutable=1"]
        if Path(f"{self.path}-shm").exists():
            # a writer's index: share it; one left by a writer that died needs a
            # recovery only a writer can make, so the file is then read as it is
            modes.insert(0, "mode=ro")
        for mode in modes:
            conn = sqlite3.connect(
                f"file:{quote(str(self.path))}?{mode}",
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                conn.execute("PRAGMA user_version").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                if mode == modes[-1]:
                    raise
                continue
            return _prepared(conn)
        raise AssertionError("unreachable")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection to read with: never the write lock (see the module's
        notes). On a full disk, where SQLite cannot size the WAL index it needs
        to read, the file is read as it was last checkpointed (immutable: no
        lock, no index) when no WAL holds newer commits; else the error names
        the file and the full disk."""
        if not writable(self.path):
            with closing(self._read_only()) as conn:
                yield conn
            return
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
        if not writable(self.path):
            raise MasonRuntimeError(
                f"{self.path} is read-only for this user: it can be read, not changed"
            )
        with writing(self.path), closing(_connect(self.path)) as conn:
            self._ensure_schema(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
