"""A third party's new *client* runs Mason's bundled operators.

``mason-tinydb`` (kept under ``tests/packaging/mason-tinydb``) adds one client,
a metastore over a JSON file, and no operator. Installed from wheels next to
the core and ``mason-operators-table`` (without ``mason-local``), the bundled
``table get``, ``table list`` and ``database list`` run through it, because
they declare the verbs they need rather than client names. The plugin's own
test suite, which runs Mason's conformance kit against the client, passes in
that environment too.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.packaging.conftest import Wheelhouse
from tests.packaging.test_wheels import REPO, Venv, check, clean_env, mason_json, run

TINYDB = Path(__file__).resolve().parent / "mason-tinydb"
PROJECTS = {
    "mason-core": REPO,
    "mason-operators-table": REPO / "plugins" / "mason-operators-table",
    "mason-tinydb": TINYDB,
}
TOKEN = "tinydb-owner-token-5a1c-do-not-print"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheels: Wheelhouse) -> Venv:
    """Fresh wheels of the three distributions in a new virtualenv, with the
    core's ``testing`` extra (pytest) for the plugin's own tests."""
    built = {name: wheels.wheel(project) for name, project in PROJECTS.items()}
    env = Venv(tmp_path_factory.mktemp("venv") / "env")
    check(run([sys.executable, "-m", "venv", env.root]))
    wanted = [f"{built['mason-core']}[testing]", *(str(w) for w in built.values())]
    uv = shutil.which("uv")
    if uv is not None:
        check(run([uv, "pip", "install", "--python", env.python, *wanted]))
    else:
        check(run([env.python, "-m", "pip", "install", "--disable-pip-version-check", *wanted]))
    return env


def seed_catalog(venv: Venv, path: Path) -> None:
    """A catalog with database ``sales`` holding ``orders``, written by the client."""
    script = textwrap.dedent(
        f"""\
        from pathlib import Path
        from mason.sdk.engines import EngineContext
        from mason.sdk.models import Column, Schema, Table
        from mason_tinydb.config import TinyConfig
        from mason_tinydb.metastore import TinyMetastore

        store = TinyMetastore(TinyConfig(path={str(path)!r}), EngineContext("tinydb", Path(".")))
        store.create_database("sales")
        store.create_database("empty")
        columns = [Column(name="order_id", type="int64"), Column(name="amount", type="double")]
        store.create_table(Table(name="orders", database="sales", location="s3://b/orders/",
                                 format="parquet", Schema=Schema(columns=columns)))
        """
    )
    check(run([venv.python, "-c", script]))


@pytest.fixture
def tiny_env(venv: Venv, tmp_path: Path) -> dict[str, str]:
    """MASON_HOME whose current configuration is tinydb for the metastore."""
    env = clean_env(tmp_path / "home", TINY_TOKEN=TOKEN)
    catalog = tmp_path / "catalog.json"
    seed_catalog(venv, catalog)
    config = tmp_path / "tiny.yaml"
    config.write_text(
        "type: config\nid: tiny\nmetastore_engine: tinydb\nclients:\n  tinydb:\n"
        f"    configuration:\n      path: {catalog}\n      owner_token: '{{{{TINY_TOKEN}}}}'\n"
    )
    saved = check(run([venv.mason, "config", config, "--output", "json"], env=env))
    assert TOKEN not in saved.stdout + saved.stderr
    return env


def test_the_plugin_imports_only_the_public_surface() -> None:
    allowed = ("mason", "mason.sdk", "mason.testing", "mason_tinydb")
    for path in sorted(TINYDB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                if name.split(".")[0].startswith("mason"):
                    assert name in allowed or name.startswith(
                        ("mason.sdk.", "mason.testing.", "mason_tinydb.")
                    ), f"{path}: imports {name}"


def test_bundled_operators_run_through_the_new_client(venv: Venv, tiny_env: dict[str, str]) -> None:
    data, _ = mason_json(venv, ["op", "database", "list"], tiny_env)
    assert [d["Name"] for d in data["Data"]] == ["empty", "sales"]
    assert data["Info"] == ["2 databases"]

    data, _ = mason_json(venv, ["op", "table", "list", "-p", "database_name:sales"], tiny_env)
    assert [t["Name"] for t in data["Data"]] == ["orders"]

    data, _ = mason_json(
        venv, ["op", "table", "get", "-p", "database_name:sales,table_name:orders"], tiny_env
    )
    (table,) = data["Data"]
    assert table["Location"] == "s3://b/orders/"
    assert [c["Name"] for c in table["Schema"]["Columns"]] == ["order_id", "amount"]

    # a missing table: the operator ran and failed, naming it (exit 1)
    data, stderr = mason_json(
        venv, ["op", "table", "get", "-p", "database_name:sales,table_name:nope"], tiny_env, 1
    )
    assert data["Errors"] == ["tinydb: database 'sales' has no table 'nope'"]
    assert TOKEN not in json.dumps(data) + stderr


def test_listing_shows_the_new_client_can_run_them(venv: Venv, tiny_env: dict[str, str]) -> None:
    shown = check(run([venv.mason, "get", "operator", "table", "get"], env=tiny_env))
    assert json.loads(shown.stdout)["capable_clients"] == [{"metastore": ["tinydb"]}]
    helped = check(run([venv.mason, "op", "database", "list", "--help"], env=tiny_env)).stdout
    assert "metastore: list_databases" in helped
    assert "Installed clients that can run it:\n  metastore: tinydb" in helped


def test_operators_needing_what_it_lacks_refuse_it_by_name(
    venv: Venv, tiny_env: dict[str, str]
) -> None:
    # table infer names its pairings; tinydb is not one of them: exit 2, one line
    proc = run(
        [venv.mason, "op", "table", "infer", "-p", "storage_path:x,database_name:sales"],
        env=tiny_env,
    )
    assert proc.returncode == 2, proc.stderr
    assert "metastore needs client 'local' but configuration has tinydb" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_plugins_own_conformance_suite_passes_where_it_is_installed(
    venv: Venv, tmp_path: Path
) -> None:
    """Run from a copy outside this repository, so only installed packages count."""
    suite = shutil.copytree(TINYDB / "tests", tmp_path / "suite")
    proc = subprocess.run(
        [venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", suite, suite],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(tmp_path / "home"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout
