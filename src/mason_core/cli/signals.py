"""SIGTERM as an exception, so work in progress ends the way Ctrl-C ends it.

Python dies on SIGTERM without unwinding: no ``finally``, no ``except``, and
a job record would stay ``running``. The CLI turns the signal into
:class:`Terminated` (a ``KeyboardInterrupt``), so the running job is recorded
as cancelled, staging is cleaned up, and the process exits 143 (Ctrl-C: 130).
A second SIGTERM kills at once.
"""

from __future__ import annotations

import contextlib
import signal
from types import FrameType


class Terminated(KeyboardInterrupt):
    """The process was sent SIGTERM."""

    exit_code = 128 + signal.SIGTERM


def interrupted_exit(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The one-line message and exit code for an interruption.

    The process is ending: a second Ctrl-C or SIGTERM (a terminal sends one to
    every process of the group, a supervisor may repeat it) is ignored from
    now on, so it cannot turn the exit code into a death by signal.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread: nothing to guard
            signal.signal(number, signal.SIG_IGN)
    if isinstance(exc, Terminated):
        return "terminated (SIGTERM)", Terminated.exit_code
    return "interrupted", 130


def _terminate(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated("terminated (SIGTERM)")


def raise_on_sigterm() -> None:
    """From now on, SIGTERM raises :class:`Terminated` in the main thread."""
    signal.signal(signal.SIGTERM, _terminate)
