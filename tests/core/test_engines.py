from __future__ import annotations

from pathlib import Path

import pytest

from mason_core.engines import EngineContext
from mason_core.errors import VerbNotServedError

from .clients import CloudConfig, CloudMetastore, EmbeddedConfig, EmbeddedStorage


def test_unserved_verb_raises_typed_error_naming_client_engine_verb(tmp_path: Path) -> None:
    engine = CloudMetastore(CloudConfig(aws_region="r"), EngineContext("cloud", tmp_path))
    assert [d.name for d in engine.list_databases()] == ["sales"]
    with pytest.raises(VerbNotServedError) as err:
        engine.get_table("sales", "orders")
    assert (err.value.client, err.value.engine, err.value.verb) == (
        "cloud",
        "metastore",
        "get_table",
    )
    assert str(err.value) == "client 'cloud' does not serve 'get_table' as a metastore engine"
    assert err.value.exit_code == 1


def test_served_verbs_are_read_off_the_class() -> None:
    assert CloudMetastore.served_verbs() == ["list_databases"]
    assert EmbeddedStorage.served_verbs() == ["exists"]
    storage = EmbeddedStorage(EmbeddedConfig(), EngineContext("embedded", Path(".")))
    assert storage.exists("here")
