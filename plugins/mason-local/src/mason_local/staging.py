"""Staged outputs: write next to the target, rename into place when complete.

A failed or killed job leaves at most a hidden ``.mason-staging-*`` folder
beside the target, never a half-written output at the target itself. What an
overwrite may replace is :mod:`mason.sdk.outputs`' rule, checked before any
work and again under the output's lock, which keeps concurrent writers of one
output from meeting half way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mason.sdk.errors import AlreadyExistsError
from mason.sdk.outputs import (
    check_local_overwrite,
    check_not_input,
    extensions_for,
    output_lock,
)
from mason.sdk.state import absolute_path, writing

STAGING_PREFIX = ".mason-staging-"


@dataclass(frozen=True)
class Replaceable:
    """What a writer may replace at its target: a dataset with ``extensions``
    (``what`` names it in errors), never ``inputs``, ``root`` or ``home``."""

    extensions: Collection[str]
    what: str
    inputs: tuple[Path, ...] = ()
    root: Path | None = None
    home: Path | None = None

    @classmethod
    def of_format(
        cls, fmt: str, inputs: tuple[Path, ...], root: Path | None, home: Path | None
    ) -> Replaceable:
        """The rule of a job writing ``fmt`` (``parquet``, ``csv``, ``json``)."""
        return cls(extensions_for(fmt), fmt, inputs, root, home)


def check_target(target: Path, overwrite: bool, rules: Replaceable) -> None:
    """Refuse an output over an input, an existing one unless ``overwrite``,
    and with ``overwrite`` anything that is not a previous output."""
    if not (overwrite and (target.exists() or target.is_symlink())):
        check_not_input(str(target), [str(p) for p in rules.inputs])
        if target.exists() or target.is_symlink():
            raise AlreadyExistsError(
                f"output {target} already exists; pass overwrite: true to replace it"
            )
        return
    check_local_overwrite(
        target,
        rules.extensions,
        rules.what,
        inputs=rules.inputs,
        root=rules.root,
        home=rules.home,
    )


@contextmanager
def staged_output(target: Path, overwrite: bool, rules: Replaceable) -> Iterator[Path]:
    """Yield a fresh staging path for ``target``; on success it replaces ``target``.

    The staging path does not exist yet: the writer creates a file or a folder
    there. The target is checked, locked (a second writer fails here, having
    touched nothing) and checked again before any staging exists.
    """
    target = absolute_path(target)
    check_target(target, overwrite, rules)
    with writing(target), output_lock(target):
        check_target(target, overwrite, rules)
        holder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}-", dir=target.parent))
        staging = holder / target.name
        try:
            yield staging
            if not staging.exists():
                raise FileNotFoundError(f"job produced no output at {staging}")
            commit(staging, target, holder)
        finally:
            shutil.rmtree(holder, ignore_errors=True)


def commit(staging: Path, target: Path, scratch: Path) -> None:
    """Move ``staging`` to ``target``; an old target is moved aside first and
    removed only after the new one is in place. Called under the output's lock,
    after :func:`check_target` allowed replacing what is there."""
    old: Path | None = None
    if target.exists() or target.is_symlink():
        old = scratch / f"{target.name}.old"
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
