"""Base class of the canonical models.

Canonical models serialize with PascalCase keys (``Name``, ``Schema``,
``Columns``) because that is what the original Mason printed and what users'
scripts parse; Python code uses the snake_case attribute names.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


class CanonicalModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        serialize_by_alias=True,
        extra="forbid",
        # built on first use: a call pays for the models it touches
        defer_build=True,
    )

    def to_data(self) -> dict[str, Any]:
        """The JSON-ready form that goes into a response's ``Data``."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
