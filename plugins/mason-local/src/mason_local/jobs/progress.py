"""Progress of a DuckDB statement in files and bytes.

DuckDB reports a running statement's completion as a percentage
(``query_progress``); a thread polls it and turns it into bytes of the
statement's input, and the files count advances when the statement is done.
The totals reported always add up to exactly what was started.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mason.sdk.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    import duckdb

POLL_SECONDS = 0.25


@contextmanager
def statement_progress(
    con: duckdb.DuckDBPyConnection, progress: Progress, files: int, nbytes: int
) -> Iterator[None]:
    """Report the statement run inside the block as ``files`` files and
    ``nbytes`` bytes, bytes as it goes and files once it succeeded."""
    if progress is NO_PROGRESS:
        yield
        return
    import duckdb

    try:
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
    except duckdb.Error:  # a root locked the settings: writing_connection set them
        pass
    reported = 0
    lock = threading.Lock()
    stop = threading.Event()

    def poll() -> None:
        nonlocal reported
        while not stop.wait(POLL_SECONDS):
            try:
                percent = float(con.query_progress())
            except Exception:  # progress is a nicety; the statement decides the outcome
                return
            done = min(nbytes, int(nbytes * percent / 100)) if percent > 0 else 0
            with lock:
                if done > reported:
                    progress.advance(bytes_done=done - reported)
                    reported = done

    watcher = threading.Thread(target=poll, name="mason-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
    with lock:
        progress.advance(files=files, bytes_done=nbytes - reported)
