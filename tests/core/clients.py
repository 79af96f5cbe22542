"""Test clients defined in the test suite itself, registered by hand into a
Registry, so the core's configuration handling is tested without any plugin."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from mason_core.engines import MetastoreEngine, StorageEngine
from mason_core.models import Database
from mason_core.plugins import build_registry
from mason_core.registry import ClientSpec, Registry


class CloudConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aws_region: str
    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    role: str | None = Field(default=None, json_schema_extra={"secret": True})


class EmbeddedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: str | None = None


class CloudMetastore(MetastoreEngine):
    def list_databases(self) -> list[Database]:
        return [Database(name="sales")]


class EmbeddedStorage(StorageEngine):
    def exists(self, path: str) -> bool:
        return path == "here"


def test_registry() -> Registry:
    registry = build_registry(None)
    registry.clients.clear()  # only the clients defined here, whatever is installed
    registry.clients["cloud"] = ClientSpec(
        name="cloud",
        config_model=CloudConfig,
        engines={"metastore": f"{__name__}:CloudMetastore", "scheduler": f"{__name__}:X"},
        description="",
        plugin="tests",
    )
    registry.clients["embedded"] = ClientSpec(
        name="embedded",
        config_model=EmbeddedConfig,
        engines={"storage": f"{__name__}:EmbeddedStorage"},
        description="",
        plugin="tests",
        embedded_default=True,
    )
    return registry


test_registry.__test__ = False  # type: ignore[attr-defined]
