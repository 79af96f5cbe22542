"""Listing and help stay light: with every plugin installed, the commands that
only read metadata import none of the heavy libraries the engines use.

Each command runs in a fresh interpreter through the real CLI entry point;
the interpreter then reports which modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = (
    "pyarrow",
    "duckdb",
    "boto3",
    "botocore",
    "obstore",
    "pyspark",
    "kubernetes",
    "pandas",
    "numpy",
    "pyiceberg",
    "sqlalchemy",
    "deltalake",
)

#: the CLI entry point, run as the ``mason`` console script would, then a report
#: of every loaded top-level module on stdout's last line.
PROBE = textwrap.dedent(
    """\
    import json, sys
    from mason_core.cli.app import main
    code = 0
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    loaded = sorted({name.split(".")[0] for name in sys.modules})
    sys.stdout.write("\\n" + json.dumps({"code": code, "modules": loaded}) + "\\n")
    """
)

#: entry-point name -> top-level module of every first-party plugin
PLUGINS = {
    "local": "mason_local",
    "operators-table": "mason_operators_table",
    "aws": "mason_aws",
    "spark": "mason_spark",
}

#: commands that answer without building the registry
NO_REGISTRY = (["--version"], ["wf", "table", "infer", "--help"])

COMMANDS = [
    ["--help"],
    ["op"],
    ["op", "table"],
    ["op", "table", "infer", "--help"],
    ["config"],
    ["plugins"],
    ["wf"],
    ["wf", "table", "infer", "--help"],
    ["--version"],
]


def probe(args: list[str], home: Path) -> tuple[int, set[str], str]:
    env = dict(os.environ, MASON_HOME=str(home), COLUMNS="120")
    env.pop("MASON_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    *output, report = proc.stdout.rstrip("\n").split("\n")
    result = json.loads(report)
    return result["code"], set(result["modules"]), "\n".join(output)


def test_first_party_plugins_are_installed() -> None:
    """The weight check below means something only with the plugins present."""
    names = {ep.name for ep in md.entry_points(group="mason")}
    assert set(PLUGINS) <= names, names


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "mason " + " ".join(a))
def test_metadata_commands_import_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code, modules, output = probe(args, tmp_path / "home")
    assert code == 0, output
    assert sorted(modules & set(HEAVY)) == []
    if args not in NO_REGISTRY:
        # the registry was really built: every plugin's entry point was imported,
        # so the check above covered their registration code
        assert sorted(set(PLUGINS.values()) - modules) == []
    if args in (["op"], ["op", "table"], ["plugins"], ["wf"]):
        assert "infer" in output  # listings include what the plugins registered


def test_probe_sees_heavy_imports_when_a_job_runs(tmp_path: Path) -> None:
    """The probe itself can fail: running a query does import the execution engine."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "part-0.csv").write_text("id,name\n1,anvil\n2,crate\n")
    home = tmp_path / "home"
    infer = ["op", "table", "infer", "-p", f'storage_path:"{data}",database_name:w,table_name:t']
    code, _, output = probe([*infer, "--output", "json"], home)
    assert code == 0, output
    query = ["op", "table", "query", "-p", 'database_name:w,query_string:"SELECT count(*) FROM t"']
    code, modules, output = probe([*query, "--output", "json"], home)
    assert code == 0, output
    assert "duckdb" in modules, sorted(modules)


#: answered from the registry index once it is warm
WARM = [["op"], ["--help"], ["op", "table"], ["op", "table", "infer", "--help"]]


@pytest.mark.parametrize("args", WARM, ids=lambda a: "mason " + " ".join(a))
def test_warm_index_listing_imports_no_pydantic_and_no_plugin(
    args: list[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    code, cold, cold_output = probe(args, home)  # builds the registry and the index
    assert code == 0, cold_output
    assert {"pydantic", *PLUGINS.values()} <= cold
    code, warm, output = probe(args, home)
    assert code == 0, output
    assert output == cold_output  # the same answer from the index
    assert sorted(warm & {"pydantic", "pluggy", *PLUGINS.values(), *HEAVY}) == []
    assert "infer" in output


def test_warm_index_is_refreshed_by_a_registered_definition(tmp_path: Path) -> None:
    home = tmp_path / "home"
    probe(["op"], home)
    folder = tmp_path / "greet" / "hello"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "operator.yaml").write_text(
        "type: operator\nnamespace: greet\ncommand: hello\ndescription: say hello\n"
    )
    code, _, output = probe(["register", str(folder)], home)
    assert code == 0, output
    code, modules, output = probe(["op", "greet", "hello", "--help"], home)
    assert code == 0 and "say hello" in output, output
    assert "pydantic" not in modules  # 'register' left the index warm for the next command
