"""The local file system as a storage engine.

Paths resolve against ``root`` when it is set (and may not leave it), else the
working directory. Writes go through staging, so a destination holds the old
content or the new, never part of either.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path
from typing import IO

from mason.sdk.engines import EngineContext, StorageEngine
from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import InferredTable, StoragePath
from mason.sdk.outputs import check_not_protected, local_protected
from mason_local.config import LocalClientConfig
from mason_local.paths import confinement_root, data_files, resolve_local
from mason_local.staging import Replaceable, check_target, staged_output

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


class LocalStorage(StorageEngine):
    config: LocalClientConfig

    def __init__(self, config: LocalClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    # -- paths ------------------------------------------------------------------------

    def local_path(self, path: str) -> Path:
        """``path`` resolved and confined, as a :class:`pathlib.Path`."""
        return resolve_local(path, self.config.root)

    def resolve_path(self, path: str) -> StoragePath:
        return _storage_path(self.local_path(path))

    def table_path(self, database_name: str, table_name: str) -> StoragePath:
        """``<root>/<database>/<table>``, or under MASON_HOME's local warehouse
        when no root is configured."""
        for label, name in (("database", database_name), ("table", table_name)):
            if not _NAME.match(name) or name in (".", ".."):
                raise MasonUsageError(f"invalid {label} name '{name}' for a table path")
        base = confinement_root(self.config.root)
        if base is None:
            base = self.context.home / "clients" / "local" / "warehouse"
        return _storage_path(base / database_name / table_name)

    def exists(self, path: str) -> bool:
        return self.local_path(path).exists()

    # -- reading ----------------------------------------------------------------------

    def open(self, path: str, mode: str = "rb") -> IO[bytes]:
        """Open a file for reading; writing goes through :meth:`save`."""
        if mode not in ("rb", "r"):
            raise MasonUsageError(
                f"local storage opens files for reading only (mode '{mode}'); use save to write"
            )
        target = self._existing(path)
        if target.is_dir():
            raise MasonUsageError(f"'{path}' is a folder, not a file")
        return target.open("rb")

    def list_path(self, path: str) -> list[StoragePath]:
        target = self._existing(path)
        if not target.is_dir():
            return [_storage_path(target)]
        return [_storage_path(child) for child in sorted(target.iterdir())]

    def expand_path(self, path: str) -> list[StoragePath]:
        target = self._existing(path)
        return [_storage_path(p) for p in data_files(target, confinement_root(self.config.root))]

    def infer_table(
        self, path: str, database_name: str, table_name: str | None = None
    ) -> InferredTable:
        from mason_local.inference import infer_location

        return infer_location(
            self._existing(path), database_name, table_name, self.config, self.context.progress
        )

    # -- writing ----------------------------------------------------------------------

    def save(self, local_path: str, destination: str, overwrite: bool = False) -> StoragePath:
        """Copy a local file or folder (anywhere on this machine) to ``destination``."""
        source = Path(local_path).expanduser().resolve()
        if not source.exists():
            raise NotFoundError(f"path {source} does not exist")
        return self._copy_into(source, self.local_path(destination), overwrite)

    def copy(self, source: str, destination: str, overwrite: bool = False) -> StoragePath:
        return self._copy_into(self._existing(source), self.local_path(destination), overwrite)

    def delete(self, path: str, recursive: bool = False) -> None:
        """Remove a file, or a folder when ``recursive``. A folder is renamed
        aside first, so readers never see it half deleted."""
        target = self._existing(path)
        if target == confinement_root(self.config.root):
            raise MasonUsageError(f"refusing to delete the local root {target}")
        protected = local_protected(confinement_root(self.config.root), self.context.home)
        check_not_protected(str(target), protected, verb="delete")
        if not target.is_dir():
            target.unlink()
            return
        if not recursive:
            raise MasonUsageError(f"'{path}' is a folder; pass recursive to delete it")
        aside = target.with_name(f".mason-deleting-{target.name}-{uuid.uuid4().hex[:8]}")
        os.replace(target, aside)
        shutil.rmtree(aside, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------

    def _replaceable(self, source: Path) -> Replaceable:
        """A copy may replace only a dataset of the kinds of files it brings
        (``.parquet`` parts replace ``.parquet`` parts), never its source."""
        files = [source] if not source.is_dir() else data_files(source)
        extensions = sorted({f.suffix.lower() for f in files if f.suffix})
        what = "/".join(e.lstrip(".") for e in extensions) or "file"
        return Replaceable(
            extensions,
            what,
            (source,),
            confinement_root(self.config.root),
            self.context.home,
        )

    def _existing(self, path: str) -> Path:
        target = self.local_path(path)
        if not target.exists():
            raise NotFoundError(f"path {target} does not exist")
        return target

    def _copy_into(self, source: Path, destination: Path, overwrite: bool) -> StoragePath:
        rules = self._replaceable(source)
        check_target(destination, overwrite, rules)
        with staged_output(destination, overwrite, rules) as staging:
            if source.is_dir():
                shutil.copytree(
                    source, staging, ignore=lambda _d, names: [n for n in names if _hidden(n)]
                )
            else:
                shutil.copy2(source, staging)
        return _storage_path(destination)


def _hidden(name: str) -> bool:
    return name.startswith(".mason-")


def _storage_path(path: Path) -> StoragePath:
    try:
        stat = path.stat()
    except OSError:
        return StoragePath(path=str(path))
    is_dir = path.is_dir()
    return StoragePath(path=str(path), size_bytes=None if is_dir else stat.st_size, is_dir=is_dir)
