"""The ``tinydb`` client's configuration: where the catalog file is."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class TinyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="The catalog's JSON file (created on first write)")
    owner_token: SecretStr | None = Field(
        default=None, description="Recorded as the writer of new tables (a secret: never shown)"
    )
