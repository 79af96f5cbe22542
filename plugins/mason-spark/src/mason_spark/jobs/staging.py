"""Staged outputs on Spark: write beside the target, rename into place when complete.

Spark writes a folder of part files; a job that fails or is killed half way
leaves at most a hidden ``.mason-staging-*`` folder next to the target, never a
partial output at the target, and an existing output is replaced only when
``overwrite`` is set and :mod:`mason.sdk.outputs` agrees it is a previous
output (the old one is moved aside first and removed last). Writers of one
output hold its lock while they write.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mason.sdk.errors import AlreadyExistsError
from mason.sdk.outputs import (
    LOCK_PREFIX,
    OutputBusyError,
    check_dataset,
    check_not_input,
    check_not_protected,
    check_single_file,
    extensions_for,
    local_protected,
    output_lock,
)
from mason_spark.jobs.fs import HadoopFS

STAGING_PREFIX = ".mason-staging-"


def check_target(
    fs: HadoopFS, target: str, overwrite: bool, fmt: str, inputs: Sequence[str] = ()
) -> None:
    """Refuse an output over an input, an existing one unless ``overwrite``,
    and with ``overwrite`` anything that is not a previous ``fmt`` output.
    ``target`` and ``inputs`` are qualified."""
    check_not_input(target, inputs)
    if not fs.exists(target):
        return
    if not overwrite:
        raise AlreadyExistsError(
            f"output {target} already exists; pass overwrite: true to replace it"
        )
    protected = fs.protected(target)
    if target.startswith("file:"):
        protected += [(f"file:{path}", label) for path, label in local_protected()]
    check_not_protected(target, protected)
    extensions = extensions_for(fmt)
    if fs.is_file(target):
        check_single_file(target, extensions, fmt)
    else:
        check_dataset(target, fs.all_files(target), extensions, fmt)


def _split(target: str) -> tuple[str, str]:
    parent, _, name = target.rstrip("/").rpartition("/")
    if not name or not parent:
        raise ValueError(f"cannot stage output at {target!r}: it has no parent folder")
    return parent, name


@contextmanager
def output_locked(fs: HadoopFS, target: str) -> Iterator[None]:
    """The output's lock: an ``flock`` for ``file:`` paths (dropped by the
    kernel when a job dies), else a lock file created only when absent
    (atomic on HDFS; best effort on object stores)."""
    if target.startswith("file:"):
        with output_lock(Path(target[len("file:") :])):
            yield
        return
    parent, name = _split(target)
    lock = f"{parent}/{LOCK_PREFIX}{name}"
    if not fs.create_new(lock):
        raise OutputBusyError(
            f"output {target} is being written by another job; try again when it is "
            f"done, or delete {lock} if that job is gone"
        )
    try:
        yield
    finally:
        fs.delete(lock)


@contextmanager
def staged_output(
    fs: HadoopFS, target: str, overwrite: bool, fmt: str, inputs: Sequence[str] = ()
) -> Iterator[str]:
    """Yield a fresh staging path for ``target`` (qualified); commit it on success."""
    target = fs.qualify(target).rstrip("/")
    inputs = [fs.qualify(i).rstrip("/") for i in inputs if i]
    check_target(fs, target, overwrite, fmt, inputs)
    parent, name = _split(target)
    fs.mkdirs(parent)
    with output_locked(fs, target):
        check_target(fs, target, overwrite, fmt, inputs)
        holder = f"{parent}/{STAGING_PREFIX}{name}-{uuid.uuid4().hex[:12]}"
        staging = f"{holder}/{name}"
        fs.mkdirs(holder)
        try:
            yield staging
            if not fs.exists(staging):
                raise FileNotFoundError(f"job produced no output at {staging}")
            old = f"{holder}/{name}.old"
            replaced = fs.exists(target)
            if replaced:
                fs.rename(target, old)
            try:
                fs.rename(staging, target)
            except BaseException:
                if replaced:
                    fs.rename(old, target)
                raise
        finally:
            fs.delete(holder)
