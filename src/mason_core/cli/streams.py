"""Standard streams as a service or a shell may hand them over: closed
(``mason ... >&-``, a unit with no stdout), a pipe closed early (``| head``),
or an ASCII-only locale."""

from __future__ import annotations

import codecs
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import TextIO

#: the exit code when the reader of stdout went away (``| head``): the output
#: could not be delivered, as click and Python's documentation do it
BROKEN_PIPE_EXIT = 1


def guard_standard_streams() -> None:
    """Put ``/dev/null`` on any of fds 0, 1 and 2 that is closed, so output to
    a closed stdout is discarded rather than a crash, and no file Mason opens
    later (a catalog, an output) can land on fd 1 or 2 and receive its
    printing. Text written to stdout and stderr never fails to encode: an
    ASCII-only locale gets escapes, not ``UnicodeEncodeError``."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:  # only when a lower fd was closed too; then move it
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        _escape_unencodable(stream)


def _escape_unencodable(stream: TextIO | None) -> None:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or getattr(stream, "errors", "") == "backslashreplace":
        return
    with suppress(OSError, ValueError):  # a stream that cannot change is left alone
        reconfigure(errors="backslashreplace")


def discard_stdout() -> None:
    """After a broken pipe: point fd 1 at ``/dev/null`` so the interpreter's
    last flush at exit does not fail again (and print "Exception ignored")."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, sys.stdout.fileno() if sys.stdout is not None else 1)
    except (OSError, ValueError):
        pass
    finally:
        os.close(null)


def utf8_mode_command() -> list[str] | None:
    """The command that runs this ``mason`` (the console script, or ``python
    -m mason``) again in Python's UTF-8 mode, when this interpreter's file
    system encoding is ASCII (``LC_ALL=C`` with
    ``PYTHONUTF8=0``); ``None`` otherwise.

    In such a Python a non-ASCII path (from a parameter file, a catalog, a
    configuration) cannot be handed to the operating system at all: every
    ``open``, ``stat`` and ``mkdir`` raises ``UnicodeEncodeError``. Paths are
    bytes to the kernel and Mason's text is UTF-8, so Mason runs in UTF-8 mode
    (PEP 540), where they meet; output to an ASCII terminal is then UTF-8."""
    if sys.flags.utf8_mode or not sys.executable:
        return None
    if Path(sys.argv[0]).name not in ("mason", "__main__.py"):
        return None  # a program of its own calling main(): never replaced
    if codecs.lookup(sys.getfilesystemencoding()).name == "utf-8":
        return None
    return [sys.executable, "-X", "utf8", *sys.orig_argv[1:]]
