"""What a job runner gets and gives back.

``LocalExecution.run_job`` keeps the job record; a runner only does the work:
``runner(job, run) -> JobOutcome``. Runners live one per module in this
package and are named in ``RUNNERS`` by import path, so DuckDB and pyarrow load
only when a job of that kind actually runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mason.sdk.engines import RemoteFilesystemResolver
from mason.sdk.models import JobOutcome
from mason.sdk.progress import NO_PROGRESS, Progress

__all__ = ["JobOutcome", "JobRun"]  # JobOutcome: the core model runners return

if TYPE_CHECKING:
    import duckdb

    from mason_local.config import LocalClientConfig


@dataclass
class JobRun:
    job_id: str
    config: LocalClientConfig
    home: Path
    progress: Progress = NO_PROGRESS
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("mason.local"))
    #: how remote tables (``s3://``) are reached: with the configuration's client
    #: settings (EngineContext.remote_filesystem), never the environment's.
    remote_filesystem: RemoteFilesystemResolver | None = None
    #: where the job reports what it skipped (damaged files): the engine
    #: context's ``warning`` (the operator's warnings, else the log)
    warning: Callable[[str], None] = field(
        default_factory=lambda: logging.getLogger("mason.local").warning
    )

    #: every connection :meth:`duckdb` made, for :meth:`interrupt`.
    connections: list[duckdb.DuckDBPyConnection] = field(default_factory=list)

    def interrupt(self) -> None:
        """Stop the statements running on this run's connections (from any
        thread: the CLI's signal watcher calls it on Ctrl-C and SIGTERM)."""
        import duckdb

        for con in list(self.connections):
            with contextlib.suppress(duckdb.Error):  # closed: nothing runs there
                con.interrupt()

    def duckdb(self, settings: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
        """A fresh in-memory DuckDB connection with the client's resource limits
        and the runner's ``settings`` (its defaults: the client's own limits win),
        all set before a root locks the configuration."""
        import duckdb

        con = duckdb.connect(":memory:")
        self.connections.append(con)
        for name, value in (settings or {}).items():
            con.execute(f"SET {name} = ?", [value])
        if self.config.threads:
            con.execute(f"SET threads = {int(self.config.threads)}")
        if self.config.memory_limit:
            con.execute("SET memory_limit = ?", [self.config.memory_limit])
        spill = spill_folder(self.home)
        con.execute("SET temp_directory = ?", [str(spill)])
        con.execute("SET preserve_insertion_order = false")
        # the OS already caches local files; DuckDB's own cache of what it read
        # grows with every file of a scan (about 1 KB a file of 200,000)
        con.execute("SET enable_external_file_cache = false")
        if self.config.root:
            confine(con, [Path(self.config.root).expanduser().resolve(), spill])
        return con


def spill_folder(home: Path) -> Path:
    """Where DuckDB spills: ``MASON_HOME/clients/local/tmp``, or, when MASON_HOME
    is read-only for this user (a shared home), a folder of this user's in the
    system's temporary folder."""
    spill = home / "clients" / "local" / "tmp"
    try:
        spill.mkdir(parents=True, exist_ok=True)
        if os.access(spill, os.W_OK | os.X_OK):
            return spill
    except PermissionError:
        pass
    spill = Path(tempfile.gettempdir()) / f"mason-spill-{os.getuid()}"
    spill.mkdir(mode=0o700, exist_ok=True)
    return spill


def confine(con: duckdb.DuckDBPyConnection, directories: list[Path]) -> None:
    """Let SQL touch files only under ``directories`` (the client's ``root``),
    and lock the setting so a query cannot lift it."""
    allowed = [str(d) + os.sep for d in directories]
    con.execute("SET allowed_directories = ?", [allowed])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
