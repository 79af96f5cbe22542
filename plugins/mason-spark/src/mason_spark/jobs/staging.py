"""Staged outputs on Spark: write beside the target, rename into place when complete.

Spark writes a folder of part files; a job that fails or is killed half way
leaves at most a hidden ``.mason-staging-*`` folder next to the target, never a
partial output at the target, and an existing output is replaced only when
``overwrite`` is set (the old one is moved aside first and removed last).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from mason.sdk.errors import AlreadyExistsError
from mason_spark.jobs.fs import HadoopFS

STAGING_PREFIX = ".mason-staging-"


def check_target(fs: HadoopFS, target: str, overwrite: bool) -> None:
    if not overwrite and fs.exists(target):
        raise AlreadyExistsError(
            f"output {target} already exists; pass overwrite: true to replace it"
        )


def _split(target: str) -> tuple[str, str]:
    parent, _, name = target.rstrip("/").rpartition("/")
    if not name or not parent:
        raise ValueError(f"cannot stage output at {target!r}: it has no parent folder")
    return parent, name


@contextmanager
def staged_output(fs: HadoopFS, target: str, overwrite: bool = False) -> Iterator[str]:
    """Yield a fresh staging path for ``target`` (qualified); commit it on success."""
    target = fs.qualify(target).rstrip("/")
    check_target(fs, target, overwrite)
    parent, name = _split(target)
    fs.mkdirs(parent)
    holder = f"{parent}/{STAGING_PREFIX}{name}-{uuid.uuid4().hex[:12]}"
    staging = f"{holder}/{name}"
    fs.mkdirs(holder)
    try:
        yield staging
        if not fs.exists(staging):
            raise FileNotFoundError(f"job produced no output at {staging}")
        check_target(fs, target, overwrite)
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
