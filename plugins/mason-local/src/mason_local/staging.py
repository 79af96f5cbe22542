"""Staged outputs: write next to the target, rename into place when complete.

A failed or killed job leaves at most a hidden ``.mason-staging-*`` folder
beside the target, never a half-written output at the target itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mason.sdk.errors import AlreadyExistsError

STAGING_PREFIX = ".mason-staging-"


def check_target(target: Path, overwrite: bool) -> None:
    if target.exists() and not overwrite:
        raise AlreadyExistsError(
            f"output {target} already exists; pass overwrite: true to replace it"
        )


@contextmanager
def staged_output(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh staging path for ``target``; on success it replaces ``target``.

    The staging path does not exist yet: the writer creates a file or a folder
    there. Checked before and again at commit, so a concurrent writer that got
    there first is not clobbered unless ``overwrite`` is set.
    """
    target = target.expanduser().absolute()
    check_target(target, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    holder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}-", dir=target.parent))
    staging = holder / target.name
    try:
        yield staging
        if not staging.exists():
            raise FileNotFoundError(f"job produced no output at {staging}")
        commit(staging, target, overwrite, holder)
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def commit(staging: Path, target: Path, overwrite: bool, scratch: Path) -> None:
    """Move ``staging`` to ``target``; an old target is moved aside first and
    removed only after the new one is in place."""
    check_target(target, overwrite)
    old: Path | None = None
    if target.exists():
        old = scratch / f"{target.name}.old"
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def clean_stale_staging(directory: Path) -> list[Path]:
    """Remove staging folders left by killed jobs in ``directory``."""
    removed = []
    if directory.is_dir():
        for entry in directory.iterdir():
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed
