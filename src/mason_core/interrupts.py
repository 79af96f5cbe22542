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


def _on_signal(signum: int, frame: FrameType | None) -> None:
    exc: BaseException = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    _seen.append(exc)
    raise exc


def raise_on_signals() -> None:
    """From now on, SIGTERM raises :class:`Terminated` and Ctrl-C
    ``KeyboardInterrupt`` in the main thread, each noted for :func:`interruption`."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
