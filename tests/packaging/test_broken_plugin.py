"""A plugin that fails is reported by name, with its reason, and nothing else
breaks: the other plugins' clients and operators keep working.

The broken plugins are real installed distributions as far as
``importlib.metadata`` is concerned: a ``.dist-info`` folder with an
``entry_points.txt`` on ``PYTHONPATH``, exactly what pip leaves behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

#: a module that cannot be imported, as when a plugin's dependency is missing
IMPORT_FAILS = """\
raise ImportError("mason-brokenimport needs libfrobnicate, which is not installed")
"""

#: a module that imports but whose registration hook raises
HOOK_FAILS = """\
from mason import hookimpl


@hookimpl
def mason_register_operators(register):
    raise RuntimeError("operator folder vanished during upgrade")
"""


def install_fake_distribution(site: Path, dist: str, version: str, module: str, code: str) -> None:
    package = site / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(code)
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    entry = dist.removeprefix("mason-")
    (info / "entry_points.txt").write_text(f"[mason]\n{entry} = {module}\n")


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    install_fake_distribution(
        site, "mason-brokenimport", "2.0.0", "mason_brokenimport", IMPORT_FAILS
    )
    install_fake_distribution(site, "mason-brokenhook", "0.9.0", "mason_brokenhook", HOOK_FAILS)
    return site


def mason(args: list[str], site: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    env["MASON_HOME"] = str(home)
    env["COLUMNS"] = "250"  # wide enough that table cells are not wrapped
    env.pop("MASON_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "mason", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def json_out(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_plugins_reports_each_broken_plugin_with_its_reason(
    broken_site: Path, tmp_path: Path
) -> None:
    data = json_out(mason(["plugins", "--output", "json"], broken_site, tmp_path / "home"))
    plugins = {p["plugin"]: p for p in data["Plugins"]}

    failed_import = plugins["brokenimport"]
    assert failed_import["version"] == "2.0.0"
    assert failed_import["status"].startswith("FAILED")
    assert "libfrobnicate" in failed_import["status"]

    failed_hook = plugins["brokenhook"]
    assert failed_hook["version"] == "0.9.0"
    assert failed_hook["status"].startswith("FAILED")
    assert "operator folder vanished during upgrade" in failed_hook["status"]

    for healthy in ("local", "operators-table"):
        assert plugins[healthy]["status"] == "ok", plugins[healthy]
    assert "local" in plugins["local"]["clients"]
    assert "table infer" in plugins["operators-table"]["operators"]


def test_broken_plugin_is_shown_in_the_table_view(broken_site: Path, tmp_path: Path) -> None:
    proc = mason(["plugins", "--output", "table"], broken_site, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if "brokenimport" in line)
    assert "2.0.0" in row and "FAILED" in row, proc.stdout


def test_other_plugins_keep_working(broken_site: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    listed = json_out(mason(["op", "--output", "json"], broken_site, home))
    commands = {(row["namespace"], row["command"]) for row in listed}
    assert {("table", "infer"), ("table", "list"), ("table", "query")} <= commands

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "part-0.csv").write_text("id,name\n1,anvil\n2,crate\n")
    inferred = json_out(
        mason(
            [
                "op",
                "table",
                "infer",
                "-p",
                f'storage_path:"{data_dir}",database_name:shop,table_name:items',
                "--output",
                "json",
            ],
            broken_site,
            home,
        )
    )
    assert inferred["Errors"] == []
    tables = json_out(
        mason(
            ["op", "table", "list", "-p", "database_name:shop", "--output", "json"],
            broken_site,
            home,
        )
    )
    assert [t["Name"] for t in tables["Data"]] == ["items"]


def test_python_api_lists_the_failure(broken_site: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        """\
        import json, mason
        print(json.dumps({p.name: [p.ok, p.error] for p in mason.plugins()}))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(broken_site), MASON_HOME=str(tmp_path / "home"))
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)
    assert status["brokenimport"][0] is False and "libfrobnicate" in status["brokenimport"][1]
    assert status["local"] == [True, None]
