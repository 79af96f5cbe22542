"""The conformance kit itself: a client keeping the contract passes it, and a
client breaking it fails exactly the tests of the verbs it breaks.

Both clients are in-memory metastores written below; the kit runs on them in a
pytest subprocess, as it runs in a plugin's own test suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MODULE = """
import pytest
from pydantic import BaseModel, SecretStr

from mason.sdk.engines import EngineContext, MetastoreEngine
from mason.sdk.errors import AlreadyExistsError, NotFoundError
from mason.sdk.models import Column, Database, Schema, Table
from mason.testing import SAMPLE_COLUMNS, MetastoreCase, MetastoreConformance


class Config(BaseModel):
    password: SecretStr


class Good(MetastoreEngine):
    def __init__(self, config, context):
        super().__init__(config, context)
        self.tables = {}

    def list_databases(self):
        return [Database(name=d) for d in sorted({d for d, _ in self.tables})]

    def get_table(self, database_name, table_name):
        try:
            return self.tables[(database_name, table_name)]
        except KeyError:
            raise NotFoundError(f"no table {database_name}.{table_name}") from None

    def create_table(self, table, replace=False):
        if (table.database, table.name) in self.tables and not replace:
            raise AlreadyExistsError(f"table {table.name} exists")
        self.tables[(table.database, table.name)] = table
        return table


class Bad(Good):
    def __repr__(self):
        return f"Bad({self.config.password.get_secret_value()})"

    def list_databases(self):
        return [{"name": d} for d, _ in self.tables]

    def get_table(self, database_name, table_name):
        return self.tables[(database_name, table_name)]  # KeyError, not NotFoundError


def seeded(cls, tmp_path):
    engine = cls(Config(password="hunter2-secret"), EngineContext(client="mem", home=tmp_path))
    columns = [Column(name=n, type="string") for n in SAMPLE_COLUMNS]
    engine.create_table(Table(name="sample", database="sales", Schema=Schema(columns=columns)))
    return MetastoreCase(engine, "sales", "sample", secrets=["hunter2-secret"])


class TestGood(MetastoreConformance):
    implementation = Good

    @pytest.fixture
    def conformance_case(self, tmp_path):
        return seeded(Good, tmp_path)


class TestBad(MetastoreConformance):
    implementation = Bad

    @pytest.fixture
    def conformance_case(self, tmp_path):
        return seeded(Bad, tmp_path)
"""


def test_the_kit_passes_a_good_client_and_fails_a_bad_one_where_it_breaks(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_mem.py").write_text(MODULE)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "test_mem.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcomes = dict(
        (name, status)
        for status, name in re.findall(
            r"^(PASSED|FAILED|SKIPPED|ERROR) test_mem.py::(\S+)", done.stdout, re.MULTILINE
        )
    )
    good = {n: s for n, s in outcomes.items() if n.startswith("TestGood::")}
    bad = {n: s for n, s in outcomes.items() if n.startswith("TestBad::")}
    assert good and set(good.values()) == {"PASSED"}, done.stdout
    assert sorted(n.split("::", 1)[1] for n in good) == [
        "test_implementation_fits_the_interface",
        "test_served_verb_keeps_the_contract[create_table]",
        "test_served_verb_keeps_the_contract[get_table]",
        "test_served_verb_keeps_the_contract[list_databases]",
        "test_unserved_verbs_raise_verb_not_served",
    ]
    assert {n.split("::", 1)[1]: s for n, s in bad.items()} == {
        "test_implementation_fits_the_interface": "FAILED",  # the secret in its repr
        "test_served_verb_keeps_the_contract[create_table]": "PASSED",
        "test_served_verb_keeps_the_contract[get_table]": "FAILED",
        "test_served_verb_keeps_the_contract[list_databases]": "FAILED",
        "test_unserved_verbs_raise_verb_not_served": "PASSED",
    }
    assert "get_table-missing_table_is_not_found" in done.stdout
    assert "a secret value of the configuration appears in" in done.stdout


def test_the_kit_is_public_and_stays_out_of_import_mason() -> None:
    code = (
        "import sys, mason, mason.sdk.engines\n"
        "assert 'mason.testing' not in sys.modules and 'pytest' not in sys.modules\n"
        "import mason.testing as kit\n"
        "assert kit.__doc__ and all(getattr(kit, n) is not None for n in kit.__all__)\n"
        "print(len(kit.__all__))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 15
