"""What a writer with ``overwrite`` may replace, and who may write an output.

``overwrite: true`` means "replace my previous output", never "delete whatever
is there". Every writer (local, S3, Spark; fake, merge, format, dedupe, query)
asks this module before it replaces anything, so one rule holds everywhere:

* never a protected place: a filesystem or bucket root, the local ``root``,
  the working directory, a home directory, MASON_HOME, or a folder holding one;
* never an input of the job, nor a folder holding one or inside one;
* only a file, or a folder of files, that reads as a dataset of the format
  being written (data files of that format, hive ``key=value`` folders, and
  the markers Spark, Hadoop and Mason leave beside them). Anything else in the
  way is named and the write refused (exit code 2).

Paths are compared as ``/``-separated strings the caller has already resolved
(absolute local paths, ``s3://bucket/key``, Hadoop-qualified URIs), so the
same checks serve every backend. :func:`output_lock` serialises writers of one
local output: the loser fails before it has touched anything.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from mason_core.errors import MasonRuntimeError, MasonUsageError
from mason_core.machine import working_directory

#: format -> the file name endings of its data files.
FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv", ".tsv"),
    "json": (".json", ".jsonl", ".ndjson"),
}
#: endings a compressed data file may add after its format's extension.
_COMPRESSION = (".gz", ".gzip", ".bz2", ".zst", ".zstd", ".lz4", ".snappy", ".deflate", ".br")
#: exact names tools leave beside data (Spark, Hadoop, Hive, Mason).
_MARKERS = frozenset({"_SUCCESS", "_metadata", "_common_metadata", "_temporary"})
#: name prefixes of the same kind of bookkeeping.
_MARKER_PREFIXES = (".mason-", "_committed_", "_started_", "_temporary")
#: lock files live beside the output, hidden like staging folders.
LOCK_PREFIX = ".mason-lock-"


class OutputRefusedError(MasonUsageError):
    """Overwriting would replace something that is not a previous output."""


class OutputBusyError(MasonRuntimeError):
    """Another job is writing the same output right now."""


def extensions_for(fmt: str) -> tuple[str, ...]:
    """The data file endings of ``fmt`` (``parquet``, ``csv``, ``json``)."""
    try:
        return FORMAT_EXTENSIONS[fmt]
    except KeyError:
        raise MasonUsageError(f"unknown output format '{fmt}'") from None


def _within(path: str, ancestor: str) -> bool:
    """``path`` is ``ancestor`` or lies below it."""
    a = ancestor.rstrip("/")
    p = path.rstrip("/")
    return p == a or p.startswith(a + "/")


def check_not_input(target: str, inputs: Iterable[str]) -> None:
    """Refuse an output that is, holds or sits inside one of the job's inputs:
    replacing it would destroy the input, and reading the input would see it."""
    for source in inputs:
        if source and (_within(target, source) or _within(source, target)):
            raise OutputRefusedError(
                f"output {target} overlaps the input {source}; write it somewhere else"
            )


def check_not_protected(
    target: str, protected: Iterable[tuple[str, str]], verb: str = "overwrite"
) -> None:
    """Refuse to replace (or ``verb``) a protected place, or a folder holding one.

    ``protected`` pairs a path with what it is ("the local root")."""
    for path, label in protected:
        if not path:
            continue
        if target.rstrip("/") == path.rstrip("/"):
            raise OutputRefusedError(f"refusing to {verb} {target}: it is {label}")
        if _within(path, target):
            raise OutputRefusedError(f"refusing to {verb} {target}: it holds {label} {path}")


def _is_marker(name: str) -> bool:
    return (
        name in _MARKERS
        or name.startswith(_MARKER_PREFIXES)
        or (name.startswith(".") and name.endswith(".crc"))
        or name.endswith("$folder$")
    )


def is_data_file_of(name: str, extensions: Collection[str]) -> bool:
    """``name`` (a file name) is a data file with one of ``extensions``,
    possibly compressed (``part-0.csv.gz``, ``part-0.snappy.parquet``)."""
    lower = name.lower()
    if lower.startswith((".", "_")):
        return False
    for suffix in _COMPRESSION:
        if lower.endswith(suffix) and lower[: -len(suffix)].endswith(tuple(extensions)):
            return True
    return lower.endswith(tuple(extensions))


def foreign_entry(relative: str, extensions: Collection[str]) -> str | None:
    """``None`` when the file at ``relative`` (below an output folder) belongs
    to a dataset with ``extensions``; else why it does not."""
    parts = [p for p in relative.split("/") if p]
    if not parts:
        return None  # a folder marker object on S3
    folders, name = parts[:-1], parts[-1]
    for folder in folders:
        if _is_marker(folder):
            return None  # inside a staging area, _temporary: bookkeeping
        if "=" not in folder or folder.startswith("="):
            return f"folder {'/'.join(folders[: folders.index(folder) + 1])}"
    if _is_marker(name) or is_data_file_of(name, extensions):
        return None
    return f"file {relative}"


def check_dataset(
    target: str, files: Iterable[str], extensions: Collection[str], what: str
) -> None:
    """Refuse unless every file in ``files`` (``/``-separated, relative to
    ``target``) is part of a ``what`` dataset (``"parquet"``); stops at the
    first file that is not, so a huge foreign folder costs little."""
    for relative in files:
        problem = foreign_entry(relative, extensions)
        if problem:
            raise OutputRefusedError(
                f"refusing to overwrite {target}: it holds {problem}, "
                f"which is not part of a {what} dataset"
            )


def check_single_file(target: str, extensions: Collection[str], what: str) -> None:
    """Refuse to replace an existing file that is not a ``what`` data file."""
    name = target.rstrip("/").rsplit("/", 1)[-1]
    if not is_data_file_of(name, extensions):
        raise OutputRefusedError(
            f"refusing to overwrite {target}: it is a file, not a {what} dataset"
        )


# -- the local filesystem -------------------------------------------------------------


def local_protected(root: Path | None = None, home: Path | None = None) -> list[tuple[str, str]]:
    """The places on this machine no output may replace or hold."""
    places: list[tuple[str, str]] = [("/", "the filesystem root")]
    if root is not None:
        places.append((str(root), "the local root"))
    cwd = working_directory()
    if cwd is not None:
        with suppress(OSError):
            places.append((str(cwd.resolve()), "the working directory"))
    homes = {str(Path.home().resolve())}
    try:
        import pwd

        homes.update(p.pw_dir for p in pwd.getpwall() if p.pw_dir not in ("", "/"))
    except (ImportError, KeyError):
        pass
    places.extend((h, "a home directory") for h in sorted(homes))
    if home is not None:
        places.append((str(home.resolve()), "MASON_HOME"))
    return places


def _local_files(target: Path) -> Iterator[str]:
    """Relative paths of everything under ``target`` that is not a folder,
    symlinks included but never followed."""
    for folder, dirs, names in os.walk(target, followlinks=False):
        base = Path(folder).relative_to(target)
        # a symlink to a folder is listed in ``dirs`` but not walked: report it as an entry
        for d in list(dirs):
            if (Path(folder) / d).is_symlink():
                names.append(d)
        dirs[:] = sorted(d for d in dirs if not _is_marker(d))
        for name in sorted(names):
            yield (base / name).as_posix()


def check_local_overwrite(
    target: Path,
    fmt_extensions: Collection[str],
    what: str,
    *,
    inputs: Iterable[Path] = (),
    root: Path | None = None,
    home: Path | None = None,
) -> None:
    """Everything above, for ``target`` on this machine (absolute and resolved)."""
    text = str(target)
    exists = target.exists() or target.is_symlink()
    if exists:
        check_not_protected(text, local_protected(root, home))
    check_not_input(text, [str(p) for p in inputs])
    if not exists:
        return
    if target.is_symlink() or not target.is_dir():
        check_single_file(text, fmt_extensions, what)
        return
    check_dataset(text, _local_files(target), fmt_extensions, what)


@contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold the exclusive lock of the local output ``target`` for the block.

    The lock is an ``flock`` on ``.mason-lock-<name>`` beside the target: the
    kernel drops it when the holder exits however it dies, so a killed job
    never leaves an output locked. A second writer fails at once with
    :class:`OutputBusyError`, before it has created or moved anything. The
    holder removes the file when done; a writer that locked a file just
    removed (its inode no longer at the path) retries on a fresh one.
    """
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / f"{LOCK_PREFIX}{target.name}"
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusyError(
                f"output {target} is being written by another job; try again when it is done"
            ) from None
        try:
            current = os.stat(lock_path).st_ino
        except FileNotFoundError:
            current = -1
        if current == os.fstat(fd).st_ino:
            break
        os.close(fd)  # the previous holder removed it as we opened it: take a fresh one
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)
