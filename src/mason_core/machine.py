"""Faults that come from the machine rather than from what was typed: a full
disk, a working directory that was deleted. Each becomes one line naming the
path, never a traceback nor an ``internal error:``."""

from __future__ import annotations

import codecs
import errno
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mason_core.errors import MasonRuntimeError, MasonUsageError

#: errnos meaning "this file system has no room left" (a quota counts too)
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
#: how other libraries (SQLite, DuckDB, pyarrow, shutil.Error's list) word it
_NO_SPACE_TEXTS = ("no space left on device", "database or disk is full", "[errno 28]")
#: the file DuckDB names in its I/O errors ("Could not write file \\"/x/y\\": ...")
_NAMED_FILE = re.compile(r'[Cc]ould not (?:write|create|open) file \\?"([^"\\]+)')
#: bytes of room below which a file system counts as full (SQLite's shared
#: memory file needs 32 KiB before a WAL database can even be read)
_ROOM_NEEDED = 64 * 1024


class NoSpaceError(MasonRuntimeError, OSError):
    """A write failed because its file system is full: one line naming the
    path and "no space left on device", exit code 1 (the work ran and failed;
    it was not the input's fault). Also an ``OSError`` (``ENOSPC``), so code
    that passes over a failed write (a cache) still does."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        where = f"cannot write {os.fspath(path)}" if path is not None else "cannot write"
        super().__init__(f"{where}: no space left on device")
        self.errno = errno.ENOSPC
        self.strerror = "No space left on device"
        self.filename = os.fspath(path) if path is not None else None


class WorkingDirectoryGoneError(MasonUsageError):
    """A relative path given while the working directory no longer exists."""


def is_no_space(exc: BaseException, path: str | os.PathLike[str] | None = None) -> bool:
    """Whether ``exc`` (an ``OSError``, or another library's error quoting
    one) says the file system is full. SQLite says only "disk I/O error" when
    it cannot grow its shared-memory file: that counts when the file system
    holding ``path`` has no room left."""
    if isinstance(exc, NoSpaceError):
        return True
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
        return True
    text = str(exc).lower()
    if any(marker in text for marker in _NO_SPACE_TEXTS):
        return True
    return path is not None and "i/o error" in text and disk_full(path)


def disk_full(path: str | os.PathLike[str]) -> bool:
    """Whether the file system holding ``path`` (or its nearest existing
    folder) has less room left than SQLite needs to open a database."""
    where = Path(path)
    for candidate in (where, *where.parents):
        try:
            stats = os.statvfs(candidate)
        except OSError:
            continue
        return stats.f_bavail * stats.f_frsize < _ROOM_NEEDED
    return False


def no_space_error(
    exc: BaseException, path: str | os.PathLike[str] | None = None
) -> NoSpaceError | None:
    """The :class:`NoSpaceError` ``exc`` amounts to, naming ``path`` (else
    the file the error names); ``None`` when it is about something else."""
    if isinstance(exc, NoSpaceError):
        return exc
    if not is_no_space(exc, path):
        return None
    if path is None and isinstance(exc, OSError):
        path = exc.filename
    return NoSpaceError(path)


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a full disk met while writing ``path`` into :class:`NoSpaceError`
    naming ``path``; or naming the file the error names, when that lies
    outside ``path``'s folder (DuckDB spilling to its temporary folder, say)."""
    try:
        yield
    except Exception as exc:
        full = no_space_error(exc, _elsewhere(exc, Path(path)) or path)
        if full is None or full is exc:
            raise
        raise full from None


def _elsewhere(exc: BaseException, path: Path) -> str | None:
    """The file a library's error says it could not write (DuckDB's and
    SQLite's wording), when outside ``path``'s folder."""
    if isinstance(exc, OSError):
        return None
    match = _NAMED_FILE.search(str(exc))
    if match is None:
        return None
    named = Path(match.group(1))
    folder = path.parent
    return None if named == path or folder in named.parents else str(named)


def describe(exc: BaseException) -> str:
    """One line for an unexpected exception: what a full disk means when it
    is one, else the exception's type and text."""
    if (full := no_space_error(exc)) is not None:
        return full.message
    encoding = sys.getfilesystemencoding()
    if isinstance(exc, UnicodeEncodeError) and codecs.lookup(encoding).name != "utf-8":
        # a non-ASCII path in a Python that is not in UTF-8 mode (the CLI
        # re-runs itself in UTF-8 mode; a program of its own may not)
        return (
            f"a path holding {exc.object[exc.start : exc.end]!r} cannot be used: this Python's "
            f"file system encoding is {encoding} (set PYTHONUTF8=1 or a UTF-8 locale)"
        )
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
