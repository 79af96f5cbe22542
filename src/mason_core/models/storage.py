"""Storage models: paths and inference results."""

from __future__ import annotations

from pydantic import Field

from mason_core.models.base import CanonicalModel
from mason_core.models.catalog import Table


class StoragePath(CanonicalModel):
    """A location a storage engine understands: ``protocol`` plus ``path``.

    ``uri`` is the round-trippable form (``/data/x`` or ``s3://bucket/key``).
    """

    protocol: str = "file"
    path: str
    size_bytes: int | None = None
    is_dir: bool = False

    @property
    def uri(self) -> str:
        if self.protocol == "file":
            return self.path
        return f"{self.protocol}://{self.path}"


#: DESIGN.md calls the model ``Path``; ``StoragePath`` avoids clashing with pathlib.
Path = StoragePath


class SchemaConflict(CanonicalModel):
    """Files whose schemas disagree on a column: reported, not crashed on."""

    column: str
    types: dict[str, list[str]] = Field(
        default_factory=dict, description="type -> files carrying it"
    )


class InferredTable(CanonicalModel):
    """What a storage engine learned from files: the table plus anything odd."""

    table: Table
    conflicts: list[SchemaConflict] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    skipped_files: list[str] = Field(default_factory=list)
