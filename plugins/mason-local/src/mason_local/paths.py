"""Local paths: resolving what users type, confining it to ``root``, and
telling data files from the bookkeeping files tools leave beside them.

Shared by the storage engine and the job runners, so a runner's output path
obeys the same confinement as everything the storage engine touches.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.state import absolute_path

#: names that are never data: markers and metadata written by Spark, Hive, Mason.
_IGNORED_NAMES = frozenset({"_SUCCESS", "_metadata", "_common_metadata", "_committed", "_started"})


def confinement_root(root: str | None) -> Path | None:
    return Path(root).expanduser().resolve() if root else None


def resolve_anywhere(path: str, root: str | None) -> Path:
    """The absolute path ``path`` names, symlinks resolved, not confined.

    Relative paths resolve against ``root`` (or the working directory);
    ``file://`` is accepted, other protocols are not this client's business.
    """
    raw = path.strip()
    if not raw:
        raise MasonUsageError("empty path")
    if "\x00" in raw:
        raise MasonUsageError(f"path {raw!r} holds a NUL byte")
    if raw.startswith("file://"):
        raw = raw[len("file://") :]
    elif "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise MasonUsageError(
            f"local storage cannot reach '{path}' ({scheme}:// paths need a {scheme} client)"
        )
    candidate = Path(raw).expanduser()
    base = confinement_root(root)
    try:
        if base is not None and not candidate.is_absolute():
            candidate = base / candidate
        return absolute_path(candidate).resolve(strict=False)
    except RuntimeError as exc:  # Python < 3.13 on a symlink loop
        raise MasonUsageError(f"path '{path}' cannot be resolved: {exc}") from None
    except OSError as exc:
        raise MasonUsageError(f"path '{path}' cannot be resolved: {exc.strerror}") from None


def resolve_local(path: str, root: str | None) -> Path:
    """The absolute path ``path`` names, refusing one outside ``root`` when set
    (after following symlinks, so a link cannot lead out)."""
    resolved = resolve_anywhere(path, root)
    base = confinement_root(root)
    if base is not None and not is_within(resolved, base):
        raise MasonUsageError(f"path '{path}' is outside the local root {base}")
    return resolved


def is_within(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def is_data_name(name: str) -> bool:
    """False for hidden files, ``_SUCCESS``-style markers and staging folders."""
    return not (name.startswith((".", "_")) or name in _IGNORED_NAMES or name.endswith(".crc"))


def iter_data_files(path: Path, root: Path | None = None) -> Iterator[os.DirEntry[str]]:
    """Every data file under ``path`` (a folder), depth first, skipping what
    :func:`is_data_name` rejects at any level, and what is not a regular file
    (FIFOs, devices, sockets). Symlinks are followed only where they stay under
    ``root`` (when set; one leading out is refused, as DuckDB's confinement
    does), and a folder reached twice (a link loop) is walked once."""
    stack = [path]
    seen: set[tuple[int, int]] = set()
    while stack:
        current = stack.pop()
        try:
            info = current.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(current) as entries:
                children = sorted(entries, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise MasonUsageError(f"cannot list {current}: {exc.strerror}") from None
        subdirs = []
        for entry in children:
            if not is_data_name(entry.name):
                continue
            if root is not None and entry.is_symlink():
                check_inside(Path(entry.path), root)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:  # a dangling link or a loop: not data
                continue
            if is_dir:
                subdirs.append(Path(entry.path))
            elif is_file:
                yield entry
        stack.extend(reversed(subdirs))


def check_inside(link: Path, root: Path) -> None:
    """Refuse ``link`` when it resolves outside ``root``; never says what it points at
    beyond its path, and never reads it."""
    try:
        resolved = link.resolve()
    except (OSError, RuntimeError):
        return  # a loop or dangling link reads as nothing; the walk skips it
    if not is_within(resolved, root):
        raise MasonUsageError(f"{link} is a symlink leading outside the local root {root}")


def data_files(path: Path, root: Path | None = None) -> list[Path]:
    """``path`` itself when it is a regular file, else the data files under it
    (see :func:`iter_data_files`), sorted."""
    return [Path(p) for p in data_file_names(path, root)]


def data_file_names(path: Path, root: Path | None = None) -> list[str]:
    """:func:`data_files` as strings: over thousands of files, building a
    ``Path`` for each costs more than listing them."""
    if path.is_file():
        return [str(path)]
    if not path.exists():
        raise NotFoundError(f"path {path} does not exist")
    if not path.is_dir():
        raise MasonUsageError(f"{path} is neither a regular file nor a folder")
    return sorted(e.path for e in iter_data_files(path, root))


def listing_signature(names: list[str]) -> str:
    """``count:bytes:newest mtime (ns)`` of the files ``names``: changes when a
    file is added, removed or rewritten, at the cost of one ``stat`` a file."""
    size = newest = 0
    for name in names:
        info = os.stat(name)
        size += info.st_size
        newest = max(newest, info.st_mtime_ns)
    return f"{len(names)}:{size}:{newest}"
