"""Faults that come from the machine rather than from what was typed: a full
disk, a working directory that was deleted. Each becomes one line naming the
path, never a traceback nor an ``internal error:``."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mason_core.errors import MasonRuntimeError, MasonUsageError

#: errnos meaning "this file system has no room left" (a quota counts too)
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
#: how other libraries (SQLite, DuckDB, pyarrow, shutil.Error's list) word it
_NO_SPACE_TEXTS = ("no space left on device", "database or disk is full", "[errno 28]")


class NoSpaceError(MasonRuntimeError):
    """A write failed because its file system is full: one line naming the
    path and "no space left on device", exit code 1 (the work ran and failed;
    it was not the input's fault)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = os.fspath(path) if path is not None else None
        where = f"cannot write {self.path}" if self.path else "cannot write"
        super().__init__(f"{where}: no space left on device")


class WorkingDirectoryGoneError(MasonUsageError):
    """A relative path given while the working directory no longer exists."""


def is_no_space(exc: BaseException) -> bool:
    """Whether ``exc`` (an ``OSError``, or another library's error quoting
    one) says the file system is full."""
    if isinstance(exc, NoSpaceError):
        return True
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
        return True
    text = str(exc).lower()
    return any(marker in text for marker in _NO_SPACE_TEXTS)


def no_space_error(
    exc: BaseException, path: str | os.PathLike[str] | None = None
) -> NoSpaceError | None:
    """The :class:`NoSpaceError` ``exc`` amounts to, naming ``path`` (else
    the file the error names); ``None`` when it is about something else."""
    if isinstance(exc, NoSpaceError):
        return exc
    if not is_no_space(exc):
        return None
    if path is None and isinstance(exc, OSError):
        path = exc.filename
    return NoSpaceError(path)


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a full disk met while writing ``path`` into :class:`NoSpaceError`."""
    try:
        yield
    except Exception as exc:
        full = no_space_error(exc, path)
        if full is None or full is exc:
            raise
        raise full from None


def describe(exc: BaseException) -> str:
    """One line for an unexpected exception: what a full disk means when it
    is one, else the exception's type and text."""
    if (full := no_space_error(exc)) is not None:
        return full.message
    return f"{type(exc).__name__}: {exc}"


def working_directory() -> Path | None:
    """The working directory; ``None`` when it has been deleted."""
    try:
        return Path(os.getcwd())
    except FileNotFoundError:
        return None


def absolute_path(path: str | os.PathLike[str]) -> Path:
    """``path`` (``~`` expanded) made absolute against the working directory,
    without resolving symlinks; a relative path while the working directory
    is gone is :class:`WorkingDirectoryGoneError`."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    cwd = working_directory()
    if cwd is None:
        raise WorkingDirectoryGoneError(
            f"relative path '{os.fspath(path)}' cannot be resolved: "
            "the working directory no longer exists (use an absolute path)"
        )
    return cwd / candidate
