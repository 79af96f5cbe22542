"""Ctrl-C and SIGTERM as exceptions that work in progress can tell apart.

Python dies on SIGTERM without unwinding: no ``finally``, no ``except``, and
a job record would stay ``running``. The CLI turns the signal into
:class:`Terminated`, so the running job is recorded as cancelled, staging is
cleaned up, and the process exits 143 (Ctrl-C: 130). It is a
``BaseException`` but not a ``KeyboardInterrupt``, so that Click does not
take it for Ctrl-C on its way out.

An engine may swallow the exception: DuckDB turns a signal that arrives
during a query into its own "Query interrupted" error. So the handlers also
note the interruption, and :func:`interruption` tells the job lifecycle that
an error it sees is really Ctrl-C or SIGTERM.

An engine may also not notice the signal at all: Python runs a signal handler
in the main thread between bytecodes, and DuckDB, while it executes, does not
always come back to Python. So the CLI also has the signal written to a pipe
(:func:`signal.set_wakeup_fd`) that a watcher thread reads: it calls the
``stop`` of every block running under :func:`interruptible` (a DuckDB
connection's ``interrupt()``) until the main
thread has taken the signal. The engine returns with its own error, the
handler runs, and the job ends as cancelled.

A signal that lands while a module is being imported is held back until the
import is done: an exception raised from inside a native extension's
initialisation (DuckDB's, through nanobind) aborts the whole process, which
would leave the job ``running`` and exit with SIGABRT instead of 143.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType


class Terminated(BaseException):
    """The process was sent SIGTERM."""

    exit_code = 128 + signal.SIGTERM

    def __init__(self) -> None:
        super().__init__("terminated (SIGTERM)")


#: what ends a CLI process early: Ctrl-C or SIGTERM.
INTERRUPTIONS = (KeyboardInterrupt, Terminated)

_seen: list[BaseException] = []


def interruption() -> BaseException | None:
    """The Ctrl-C or SIGTERM this process received, if any (CLI processes only)."""
    return _seen[-1] if _seen else None


def interrupted_exit(exc: BaseException) -> tuple[str, int]:
    """The one-line message and exit code for an interruption.

    The process is ending: a second Ctrl-C or SIGTERM (a terminal sends one to
    every process of the group, a supervisor may repeat it) is ignored from
    now on, so it cannot turn the exit code into a death by signal.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread: nothing to guard
            signal.signal(number, signal.SIG_IGN)
    if isinstance(exc, Terminated):
        return str(exc), Terminated.exit_code
    return "interrupted", 130


#: how often a held-back signal checks whether the import it waits for ended.
_RECHECK_SECONDS = 0.02
_held: list[int] = []


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside an import (Python's import machinery is on
    its stack): raising there could unwind through a native module's init."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _importing(frame):
        # hold it: SIGALRM comes back to raise it once the import is over
        _held.append(signum)
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, _RECHECK_SECONDS)
        return
    exc: BaseException = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    _seen.append(exc)
    raise exc


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not _held:
        return
    if _importing(frame):
        signal.setitimer(signal.ITIMER_REAL, _RECHECK_SECONDS)
        return
    signum = _held[-1]
    _held.clear()
    _on_signal(signum, frame)


#: what stops the work running now, by block: called by the watcher thread.
_stops: dict[int, Callable[[], None]] = {}
_block_ids = itertools.count()
#: how often the watcher repeats the stops until the main thread took the signal
#: (a stop that lands just before the engine starts a statement may be forgotten).
_RESTOP_SECONDS = 0.05


@contextlib.contextmanager
def interruptible(stop: Callable[[], None]) -> Iterator[None]:
    """Run the block so that Ctrl-C or SIGTERM also calls ``stop`` from another
    thread, for work that blocks the main thread in native code (a DuckDB
    statement: pass its connection's ``interrupt``). ``stop`` must be safe to
    call from any thread, more than once, and after the work ended; its
    errors are ignored. Outside a CLI process (no :func:`raise_on_signals`),
    nothing calls it."""
    key = next(_block_ids)
    _stops[key] = stop
    try:
        yield
    finally:
        _stops.pop(key, None)


def _stop_all() -> None:
    for stop in list(_stops.values()):
        with contextlib.suppress(Exception):
            stop()


def _watch(read_end: int) -> None:
    """The watcher thread: for each Ctrl-C or SIGTERM written to the wakeup
    pipe, stop the running blocks until the main thread's handler noted it."""
    wanted = {int(signal.SIGINT), int(signal.SIGTERM)}
    while True:
        try:
            data = os.read(read_end, 64)
        except OSError:
            return
        if not data:
            return
        if not wanted.intersection(data):
            continue  # SIGALRM of a held-back signal, or another handled signal
        # once even when the handler already ran (it may have unwound Python
        # code while the engine's own work goes on), then again until it ran
        seen = len(_seen)
        _stop_all()
        while _stops and len(_seen) == seen:
            threading.Event().wait(_RESTOP_SECONDS)
            _stop_all()


_watching: list[int] = []


def _start_watcher() -> None:
    if _watching:
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except ValueError:  # not the main thread: no signal handlers here either
        os.close(read_end)
        os.close(write_end)
        return
    _watching.append(write_end)
    threading.Thread(target=_watch, args=(read_end,), name="mason-signals", daemon=True).start()


def raise_on_signals() -> None:
    """From now on, SIGTERM raises :class:`Terminated` and Ctrl-C
    ``KeyboardInterrupt`` in the main thread, each noted for :func:`interruption`,
    and stops the blocks running under :func:`interruptible`."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    _start_watcher()
