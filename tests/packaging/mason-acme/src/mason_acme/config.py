"""The ``acme`` client's configuration model.

Mason validates the ``clients.acme.configuration`` block of a configuration
file against this model, shows its JSON Schema, and prints ``api_token`` as
``REDACTED`` everywhere because it is a ``SecretStr``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

#: database -> table -> column -> type, served when the configuration names none.
EXAMPLE_DATABASES: dict[str, dict[str, dict[str, str]]] = {
    "examples": {
        "rockets": {"id": "int64", "name": "string", "payload_kg": "double"},
        "launches": {"rocket_id": "int64", "launched_at": "timestamp[us]", "ok": "bool"},
    }
}


class AcmeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(min_length=1, description="Acme account the catalog belongs to")
    api_token: SecretStr = Field(description="Acme API token (a secret: always shown REDACTED)")
    region: str = Field(default="eu-acme-1", description="Acme region")
    databases: dict[str, dict[str, dict[str, str]]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in EXAMPLE_DATABASES.items()},
        description="The catalog: database -> table -> column -> type",
    )
