"""The tinydb metastore keeps Mason's canonical metastore contract: the
conformance kit's tests, run on a catalog file seeded with the sample table."""

from __future__ import annotations

from pathlib import Path

import pytest
from mason_tinydb.config import TinyConfig
from mason_tinydb.metastore import TinyMetastore

from mason.sdk.engines import EngineContext
from mason.sdk.models import Column, Schema, Table
from mason.testing import SAMPLE_COLUMNS, MetastoreCase, MetastoreConformance

TOKEN = "tiny-owner-token-0d9e"


class TestTinyMetastore(MetastoreConformance):
    implementation = TinyMetastore

    @pytest.fixture
    def conformance_case(self, tmp_path: Path) -> MetastoreCase:
        config = TinyConfig(path=str(tmp_path / "catalog.json"), owner_token=TOKEN)
        engine = TinyMetastore(config, EngineContext(client="tinydb", home=tmp_path))
        engine.create_database("sales")
        columns = [Column(name=name, type="string") for name in SAMPLE_COLUMNS]
        engine.create_table(
            Table(name="sample", database="sales", table_schema=Schema(columns=columns))
        )
        return MetastoreCase(engine, "sales", "sample", secrets=[TOKEN])
