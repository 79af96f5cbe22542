"""Credentials a metastore hands out (for example to a Spark job)."""

from __future__ import annotations

from pydantic import SecretStr

from mason_core.models.base import CanonicalModel


class Credentials(CanonicalModel):
    client: str
    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    session_token: SecretStr | None = None
    region: str | None = None
