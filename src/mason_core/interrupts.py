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

A signal that lands while a module is being imported is held back until the
import is done: an exception raised from inside a native extension's
initialisation (DuckDB's, through nanobind) aborts the whole process, which
would leave the job ``running`` and exit with SIGABRT instead of 143.
"""

from __future__ import annotations

import contextlib
import signal
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


def raise_on_signals() -> None:
    """From now on, SIGTERM raises :class:`Terminated` and Ctrl-C
    ``KeyboardInterrupt`` in the main thread, each noted for :func:`interruption`."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
