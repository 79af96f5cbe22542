"""Mason as users get it: wheels built from this repository, installed into a
fresh virtual environment next to a third-party plugin (``mason-acme``, kept
under ``tests/packaging/mason-acme``) that the core knows nothing about.

This proves that plugins are discovered from separately installed
distributions through the ``mason`` entry-point group alone, and that the
third party's client, configuration model and operators work through the CLI
and through ``import mason``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.conftest import REPO, Wheelhouse

ACME = Path(__file__).resolve().parent / "mason-acme"

#: distribution name -> project folder
PROJECTS = {
    "mason-core": REPO,
    "mason-local": REPO / "plugins" / "mason-local",
    "mason-operators-table": REPO / "plugins" / "mason-operators-table",
    "mason-airflow": REPO / "plugins" / "mason-airflow",
    "mason-acme": ACME,
}
#: import names of every plugin Mason has or will have; the core must name none.
PLUGIN_MODULES = (
    "mason_local",
    "mason_aws",
    "mason_spark",
    "mason_operators_table",
    "mason_airflow",
    "mason_acme",
)

ACME_TOKEN = "acme-token-7f3c9e1b-do-not-print"

pytestmark = pytest.mark.slow


@dataclass
class Venv:
    root: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def mason(self) -> Path:
        return self.bin / "mason"


def run(
    args: Sequence[str | Path], env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def check(
    proc: subprocess.CompletedProcess[str], code: int = 0
) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == code, (
        f"{' '.join(proc.args)} exited {proc.returncode}, expected {code}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return proc


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: no PYTHONPATH leaking our sources in,
    no virtualenv of the test session, a MASON_HOME of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MASON_DEBUG", "MASON_HOME")
    }
    env["MASON_HOME"] = str(home)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheelhouse(wheels: Wheelhouse) -> dict[str, Path]:
    """One freshly built wheel per distribution (built once per session)."""
    return {name: wheels.wheel(project) for name, project in PROJECTS.items()}


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheelhouse: dict[str, Path]) -> Venv:
    """A brand-new virtualenv holding the wheels and their PyPI dependencies."""
    env = Venv(tmp_path_factory.mktemp("venv") / "env")
    check(run([sys.executable, "-m", "venv", env.root]))
    wheels = [str(w) for w in wheelhouse.values()]
    # Wheels are given as files so no same-named project on an index can win.
    uv = shutil.which("uv")
    if uv is not None:
        check(run([uv, "pip", "install", "--python", env.python, *wheels]))
    else:
        check(run([env.python, "-m", "pip", "install", "--disable-pip-version-check", *wheels]))
    return env


def mason_json(
    venv: Venv, args: Sequence[str], env: dict[str, str], code: int = 0
) -> tuple[Any, str]:
    proc = check(run([venv.mason, *args, "--output", "json"], env=env), code)
    return (json.loads(proc.stdout) if proc.stdout.strip() else None), proc.stderr


def write_acme_config(folder: Path) -> Path:
    path = folder / "acme.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            type: config
            id: acme
            metastore_engine: acme
            clients:
              acme:
                configuration:
                  account: rockets-inc
                  api_token: "{{ACME_TOKEN}}"
                  databases:
                    sales:
                      orders: {order_id: int64, amount: double, placed_at: "timestamp[us]"}
                      customers: {customer_id: int64, name: string}
                    empty: {}
            """
        )
    )
    return path


# -- the wheels themselves -----------------------------------------------------------------


def test_core_wheel_holds_only_the_core(wheelhouse: dict[str, Path]) -> None:
    with zipfile.ZipFile(wheelhouse["mason-core"]) as whl:
        names = whl.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [
            line
            for line in whl.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = whl.read(entry_points).decode()
    top_level = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"mason", "mason_core"}
    assert "mason = mason_core.cli.entry:main" in scripts
    assert not any(p.replace("_", "-") in " ".join(requires) for p in PLUGIN_MODULES), requires


def test_plugin_wheels_declare_mason_entry_points(wheelhouse: dict[str, Path]) -> None:
    expected = {
        "mason-local": "local = mason_local.plugin",
        "mason-operators-table": "operators-table = mason_operators_table.plugin",
        "mason-airflow": "airflow = mason_airflow.plugin",
        "mason-acme": "acme = mason_acme.plugin",
    }
    for dist, line in expected.items():
        with zipfile.ZipFile(wheelhouse[dist]) as whl:
            ep = next(n for n in whl.namelist() if n.endswith(".dist-info/entry_points.txt"))
            text = whl.read(ep).decode()
        assert "[mason]" in text and line in text, f"{dist}: {text}"


def test_core_source_names_no_plugin() -> None:
    offenders = []
    for path in sorted((REPO / "src").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".toml", ".txt", ".json"):
            text = path.read_text("utf-8", errors="replace")
            for module in PLUGIN_MODULES:
                for m in re.finditer(rf"\b{module}\b", text):
                    line = text.count("\n", 0, m.start()) + 1
                    offenders.append(f"{path.relative_to(REPO)}:{line}: {module}")
    assert offenders == []


# -- the installed packages ------------------------------------------------------------------


def test_plugins_lists_every_installed_distribution(venv: Venv, tmp_path: Path) -> None:
    data, _ = mason_json(venv, ["plugins"], clean_env(tmp_path / "home"))
    plugins = {p["plugin"]: p for p in data["Plugins"]}
    acme = plugins["acme"]
    assert acme["version"] == "0.3.1"
    assert acme["status"] == "ok"
    assert acme["clients"] == ["acme"]
    assert sorted(acme["operators"]) == ["acme catalog", "acme describe"]
    for name in ("local", "operators-table", "airflow"):
        assert plugins[name]["status"] == "ok", plugins[name]
        assert plugins[name]["version"] == "0.2.0"
    # mason-airflow without its [airflow] extra: the scheduler client needs only httpx
    assert plugins["airflow"]["clients"] == ["airflow"]
    served = {(c["client"], c["engine"]): c["verbs"] for c in data["Clients"]}
    verbs = served[("acme", "metastore")]
    assert "list_databases" in verbs and "get_table" in verbs
    assert "delete_table" not in verbs  # acme does not serve it


def test_version_and_operator_listing(venv: Venv, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    version = check(run([venv.mason, "--version"], env=env)).stdout
    assert re.fullmatch(r"mason \d+\.\d+\.\d+\S*\n", version), version
    data, _ = mason_json(venv, ["op"], env)
    listed = {(row["namespace"], row["command"]) for row in data}
    assert {("acme", "catalog"), ("acme", "describe"), ("table", "infer")} <= listed
    data, _ = mason_json(venv, ["op", "acme"], env)
    assert sorted(row["command"] for row in data) == ["catalog", "describe"]
    help_text = check(run([venv.mason, "op", "acme", "describe", "--help"], env=env)).stdout
    assert "Show at most this many columns" in help_text
    assert "metastore: acme" in help_text


def test_cli_runs_the_third_party_operator(venv: Venv, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", ACME_TOKEN=ACME_TOKEN)
    config = write_acme_config(tmp_path)

    saved = check(run([venv.mason, "config", config, "--output", "json"], env=env))
    assert ACME_TOKEN not in saved.stdout + saved.stderr
    configs = json.loads(saved.stdout)
    assert configs[0]["Id"] == "acme" and configs[0]["Current"] is True
    assert configs[0]["Engines"]["metastore"]["acme"]["api_token"] == "REDACTED"
    assert configs[0]["Engines"]["metastore"]["acme"]["account"] == "rockets-inc"
    # the token is read from the environment at run time, never written to MASON_HOME
    for f in (tmp_path / "home").rglob("*"):
        if f.is_file():
            assert ACME_TOKEN.encode() not in f.read_bytes(), f

    data, _ = mason_json(venv, ["op", "acme", "catalog", "-c", "acme"], env)
    assert [d["Name"] for d in data["Data"]] == ["empty", "sales"]
    assert data["Errors"] == []

    data, _ = mason_json(venv, ["op", "acme", "catalog", "-p", "database_name:sales"], env)
    assert [t["Name"] for t in data["Data"]] == ["customers", "orders"]
    assert data["Info"] == ["2 table(s) in acme database 'sales'"]

    data, _ = mason_json(
        venv,
        ["op", "acme", "describe", "-p", "database_name:sales,table_name:orders,max_columns:2"],
        env,
    )
    (table,) = data["Data"]
    assert table["Location"] == "acme://eu-acme-1/rockets-inc/sales/orders"
    assert [c["Name"] for c in table["Schema"]["Columns"]] == ["order_id", "amount"]
    assert data["Warnings"] == ["showing 2 of 3 columns"]

    # the operator ran and failed: exit 1, the error names the missing table
    data, _ = mason_json(
        venv, ["op", "acme", "describe", "-p", "database_name:sales,table_name:nope"], env, code=1
    )
    assert "no table 'nope'" in data["Errors"][0]

    # bad input: exit 2, one line, no traceback
    bad = check(
        run([venv.mason, "op", "acme", "describe", "-p", "database_name:sales"], env=env), 2
    )
    assert "table_name" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_third_party_operator_refuses_the_local_default(venv: Venv, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    proc = check(run([venv.mason, "op", "acme", "catalog", "--output", "json"], env=env), 2)
    assert "metastore" in proc.stderr and "acme" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_secret_is_a_configuration_error(venv: Venv, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")  # no ACME_TOKEN in the environment
    proc = check(run([venv.mason, "config", write_acme_config(tmp_path)], env=env), 2)
    assert "ACME_TOKEN" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_python_api_runs_the_third_party_operator(venv: Venv, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", ACME_TOKEN=ACME_TOKEN)
    config = write_acme_config(tmp_path)
    check(run([venv.mason, "config", config], env=env))
    script = textwrap.dedent(
        """\
        import json
        import mason

        resp = mason.run("acme", "describe", config_id="acme",
                         database_name="sales", table_name="customers")
        table = resp.data[0]
        assert isinstance(table, mason.models.Table), type(table)
        listing = mason.run("acme", "catalog")
        names = sorted(p.name for p in mason.plugins())
        print(json.dumps({
            "ok": resp.ok,
            "columns": [(c.name, c.type) for c in table.table_schema.columns],
            "databases": [d.name for d in listing.data],
            "operators": [o.name for o in mason.operators("acme")],
            "plugins": names,
            "config": mason.current_config().redacted(),
        }))
        """
    )
    proc = check(run([venv.python, "-c", script], env=env))
    assert ACME_TOKEN not in proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is True
    assert out["columns"] == [["customer_id", "int64"], ["name", "string"]]
    assert out["databases"] == ["empty", "sales"]
    assert out["operators"] == ["acme catalog", "acme describe"]
    assert {"acme", "local", "operators-table"} <= set(out["plugins"])
    assert out["config"]["metastore"]["acme"]["api_token"] == "REDACTED"


def test_installed_wheels_run_the_main_job(venv: Venv, tmp_path: Path) -> None:
    """The bundled sample ships inside the operator wheel, and the local client
    infers and queries it with no configuration at all."""
    env = clean_env(tmp_path / "home")
    sample = check(
        run(
            [venv.python, "-c", "from mason_operators_table import samples; print(samples.path())"],
            env=env,
        )
    ).stdout.strip()
    assert Path(sample).is_relative_to(venv.root), sample
    data, _ = mason_json(
        venv,
        [
            "op",
            "table",
            "infer",
            "-p",
            f'storage_path:"{sample}",database_name:demo,table_name:sales',
        ],
        env,
    )
    assert data["Errors"] == []
    data, _ = mason_json(
        venv,
        [
            "op",
            "table",
            "query",
            "-p",
            'database_name:demo,query_string:"SELECT count(DISTINCT region) AS n FROM sales"',
        ],
        env,
    )
    assert data["Errors"] == []
    (job,) = data["Data"]
    assert job["Status"] == "succeeded", job
    assert job["Preview"] == [{"n": 3}], job  # the sample's three regions


# -- the registry index follows pip ---------------------------------------------------------
# Last in this module: it uninstalls and upgrades mason-acme, and puts it back.


def installer(venv: Venv, command: str, target: str | Path) -> None:
    """``uv pip`` (or pip) ``install`` / ``uninstall`` / ``reinstall`` one
    distribution in ``venv``; the wheel is given as a file, no index is asked."""
    uv = shutil.which("uv")
    if uv is not None:
        flags = {"install": ["install"], "reinstall": ["install", "--reinstall", "--no-deps"]}
        args = [uv, "pip", *flags.get(command, [command]), "--python", venv.python, target]
    else:
        flags = {
            "install": ["install"],
            "reinstall": ["install", "--force-reinstall", "--no-deps"],
            "uninstall": ["uninstall", "-y"],
        }
        args = [venv.python, "-m", "pip", *flags[command], target]
    check(run(args))


def upgraded_acme_wheel(tmp_path: Path) -> Path:
    """mason-acme 0.3.2: one more operator, and a 'table get' that collides
    with mason-operators-table's."""
    project = tmp_path / "mason-acme"
    shutil.copytree(ACME, project, ignore=shutil.ignore_patterns("__pycache__", "build", "dist"))
    toml = project / "pyproject.toml"
    toml.write_text(toml.read_text().replace('version = "0.3.1"', 'version = "0.3.2"'))
    operators = project / "src" / "mason_acme" / "operators"
    for namespace, command in (("acme", "ping"), ("table", "get")):
        folder = operators / namespace / command
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        (folder / "operator.yaml").write_text(
            f"type: operator\nnamespace: {namespace}\ncommand: {command}\n"
            f"description: {command} from acme 0.3.2\n"
        )
    out = tmp_path / "dist"
    check(
        run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, project])
    )
    (wheel,) = out.glob("mason_acme-0.3.2-*.whl")
    return wheel


def test_registry_index_follows_uninstall_upgrade_and_reinstall(
    venv: Venv, wheelhouse: dict[str, Path], tmp_path: Path
) -> None:
    env = clean_env(tmp_path / "home")

    def listed() -> set[str]:
        data, _ = mason_json(venv, ["op"], env)
        return {f"{r['namespace']} {r['command']}" for r in data}

    def index_files() -> list[Path]:
        return sorted((tmp_path / "home" / "cache").glob("registry-*.json"))

    assert "acme catalog" in listed()
    (index,) = index_files()
    warm = index.stat().st_mtime_ns
    assert "acme catalog" in listed()
    assert index.stat().st_mtime_ns == warm  # answered from the index, not rewritten

    try:
        installer(venv, "uninstall", "mason-acme")
        assert not any(c.startswith("acme ") for c in listed())

        installer(venv, "install", upgraded_acme_wheel(tmp_path))
        assert {"acme catalog", "acme describe", "acme ping"} <= listed()
        help_text = check(run([venv.mason, "op", "table", "get", "--help"], env=env)).stdout
        assert "Defined by plugin 'operators-table'" in help_text  # first-party kept
        data, _ = mason_json(venv, ["plugins"], env)
        acme = next(p for p in data["Plugins"] if p["plugin"] == "acme")
        assert acme["distribution"] == "mason-acme" and acme["version"] == "0.3.2"
        assert (
            "mason-operators-table 0.2.0 (kept) and mason-acme 0.3.2 (ignored)" in (acme["status"])
        )
        refused = check(run([venv.mason, "validate", "acme", "catalog"], env=env), 2)
        assert "operator 'table get' is registered by both" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert "acme" in check(run([venv.mason, "get", "plugin", "mason-acme"], env=env)).stdout
    finally:
        installer(venv, "reinstall", wheelhouse["mason-acme"])
    assert "acme ping" not in listed() and "acme catalog" in listed()
