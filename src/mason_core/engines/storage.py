"""The storage engine: paths, files and what tables they hold."""

from __future__ import annotations

from typing import IO, ClassVar

from mason_core.engines.base import Engine
from mason_core.models import InferredTable, StoragePath


class StorageEngine(Engine):
    _is_interface: ClassVar[bool] = True
    engine_type = "storage"
    VERBS = (
        "resolve_path",
        "table_path",
        "open",
        "list_path",
        "expand_path",
        "infer_table",
        "save",
        "copy",
        "delete",
        "exists",
    )

    def resolve_path(self, path: str) -> StoragePath:
        """Normalise a user-given path; refuse one the client cannot reach."""
        self.not_served("resolve_path")

    def table_path(self, database_name: str, table_name: str) -> StoragePath:
        """Where a table of that name lives by this client's convention."""
        self.not_served("table_path")

    def open(self, path: str, mode: str = "rb") -> IO[bytes]:
        self.not_served("open")

    def list_path(self, path: str) -> list[StoragePath]:
        """Direct children of ``path``."""
        self.not_served("list_path")

    def expand_path(self, path: str) -> list[StoragePath]:
        """Every data file under ``path`` (or ``path`` itself if it is a file)."""
        self.not_served("expand_path")

    def infer_table(
        self, path: str, database_name: str, table_name: str | None = None
    ) -> InferredTable:
        """Schema, format and hive-style partitions of the files at ``path``."""
        self.not_served("infer_table")

    def save(self, local_path: str, destination: str, overwrite: bool = False) -> StoragePath:
        """Put a local file or directory at ``destination``, atomically."""
        self.not_served("save")

    def copy(self, source: str, destination: str, overwrite: bool = False) -> StoragePath:
        self.not_served("copy")

    def delete(self, path: str, recursive: bool = False) -> None:
        self.not_served("delete")

    def exists(self, path: str) -> bool:
        self.not_served("exists")
