"""Listing and help stay light: with every plugin installed, the commands that
only read metadata import none of the heavy libraries the engines use.

Each command runs in a fresh interpreter through the real CLI entry point;
the interpreter then reports which modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

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
#: of every loaded top-level module and every pydantic model built on stdout's
#: last line.
PROBE_START = textwrap.dedent(
    """\
    import json, sys
    # the definitions this call read (a run reads its one operator.yaml only)
    specs = {"operator": 0, "workflow": 0}
    def count(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "parse_definition":
            specs[frame.f_locals["kind"]] += 1
    sys.setprofile(count)
    code = 0
    """
)
PROBE_CLI = textwrap.dedent(
    """\
    from mason_core.cli.entry import main
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    """
)
PROBE_REPORT = textwrap.dedent(
    """\
    sys.setprofile(None)
    loaded = sorted({name.split(".")[0] for name in sys.modules})
    built = []  # the pydantic models this call built (the others stay deferred)
    if "pydantic" in sys.modules:
        from pydantic import BaseModel
        todo = [BaseModel]
        while todo:
            for sub in todo.pop().__subclasses__():
                todo.append(sub)
                if sub.__pydantic_complete__:
                    built.append(sub.__name__)
    plugin_modules = sorted(
        m for m in sys.modules
        if m.startswith("mason_") and not m.startswith("mason_core")
        and m.endswith((".plugin", ".config")))
    report = {"code": code, "modules": loaded, "built": sorted(set(built)),
              "specs": specs, "plugin_modules": plugin_modules,
        "engines": sorted(m for m in sys.modules if m.startswith("mason_core.engines."))}
    sys.stdout.write("\\n" + json.dumps(report) + "\\n")
    """
)
PROBE = PROBE_START + PROBE_CLI + PROBE_REPORT

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


def probe(
    args: list[str], home: Path, extra_env: dict[str, str] | None = None
) -> tuple[int, set[str], str]:
    code, modules, _, output = probe_models(args, home, extra_env)
    return code, modules, output


def probe_models(
    args: list[str], home: Path, extra_env: dict[str, str] | None = None
) -> tuple[int, set[str], set[str], str]:
    """(exit code, loaded top-level modules, pydantic models built, output)."""
    report, output = probe_report(args, home, extra_env)
    return report["code"], set(report["modules"]), set(report["built"]), output


def probe_report(
    args: list[str], home: Path, extra_env: dict[str, str] | None = None, script: str = PROBE
) -> tuple[dict[str, Any], str]:
    """The probe's whole report (also ``specs``: how many operator and workflow
    definitions were read; ``plugin_modules``: the plugins' ``.plugin`` and
    ``.config`` modules imported; ``engines``: the engine interface modules) and the output."""
    env = dict(os.environ, MASON_HOME=str(home), COLUMNS="120", **(extra_env or {}))
    env.pop("MASON_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    *output, report = proc.stdout.rstrip("\n").split("\n")
    result: dict[str, Any] = json.loads(report)
    return result, "\n".join(output)


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


#: what no local call imports: the other engines' and clients' libraries
NOT_LOCAL = ("boto3", "botocore", "obstore", "s3fs", "pyspark", "kubernetes", "pandas")
#: client configurations a local call has no use for: their models stay unbuilt
OTHER_CLIENT_MODELS = {"AwsClientConfig", "GlueClientConfig", "SparkClientConfig"}


def infer_local_table(tmp_path: Path, home: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "part-0.csv").write_text("id,name\n1,anvil\n2,crate\n")
    infer = ["op", "table", "infer", "-p", f'storage_path:"{data}",database_name:w,table_name:t']
    code, _, output = probe([*infer, "--output", "json"], home)
    assert code == 0, output


def test_table_query_imports_its_engine_only(tmp_path: Path) -> None:
    """A local query imports DuckDB (which also shows the probe sees heavy
    imports), but no other engine's library nor Typer, and builds no other
    client's model."""
    home = tmp_path / "home"
    infer_local_table(tmp_path, home)
    query = ["op", "table", "query", "-p", 'database_name:w,query_string:"SELECT count(*) FROM t"']
    code, modules, built, output = probe_models([*query, "--output", "json"], home)
    assert code == 0, output
    assert "duckdb" in modules, sorted(modules)
    assert sorted(modules & {*NOT_LOCAL, "typer", "click"}) == []  # a plain call skips Typer
    assert "OperatorSpec" in built  # the probe sees built models
    assert sorted(built & OTHER_CLIENT_MODELS) == []


def test_small_query_result_imports_no_arrow(tmp_path: Path) -> None:
    """A plain query of a 1,000-row local table, its rows previewed as JSON,
    reads the result from DuckDB's rows: no pyarrow (nor pickle, which only
    pyarrow brings), and no Iceberg or Delta module for a CSV table."""
    home = tmp_path / "home"
    data = tmp_path / "data"
    data.mkdir()
    rows = "".join(f"{i},item {i},{i * 1.5}\n" for i in range(1000))
    (data / "part-0.csv").write_text("id,name,price\n" + rows)
    infer = ["op", "table", "infer", "-p", f'storage_path:"{data}",database_name:w,table_name:t']
    assert probe([*infer, "--output", "json"], home)[0] == 0
    sql = "SELECT id, name, price FROM t WHERE id < 20 ORDER BY id"
    query = ["op", "table", "query", "-p", f'database_name:w,query_string:"{sql}"']
    code, modules, output = probe([*query, "--output", "json"], home)
    assert code == 0, output
    job = json.loads(output)["Data"][0]
    assert job["RowCount"] == 20 and job["Preview"][1] == {"id": 1, "name": "item 1", "price": 1.5}
    assert job["Columns"][1] == {"Name": "name", "Type": "string", "Nullable": True}
    assert "duckdb" in modules, sorted(modules)  # the probe sees heavy imports
    assert sorted(modules & {"pyarrow", "pickle", "pyiceberg", "deltalake"}) == []
    # nor Mason's Iceberg and Delta support: the listing reads Iceberg names only
    listed = subprocess.run(
        [sys.executable, "-c", SUBMODULES, *query, "--output", "json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, MASON_HOME=str(home)),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert listed.returncode == 0, listed.stderr
    loaded = json.loads(listed.stdout.rstrip("\n").split("\n")[-1])
    assert "mason_local.jobs.query" in loaded  # the run really went through the query job
    table_formats = ("mason_local.iceberg.tables", "mason.sdk.iceberg", "mason_local.delta")
    assert [m for m in loaded if m.startswith(table_formats)] == []


#: the CLI entry point, then every loaded ``mason.*`` and ``mason_local.*`` module
SUBMODULES = textwrap.dedent(
    """\
    import json, sys
    from mason_core.cli.entry import main
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
    names = sorted(m for m in sys.modules if m.startswith(("mason.", "mason_local.")))
    sys.stdout.write("\\n" + json.dumps(names) + "\\n")
    """
)


def test_local_table_get_imports_no_engine(tmp_path: Path) -> None:
    """``table get`` on the local catalog reads SQLite: no DuckDB, no arrow."""
    home = tmp_path / "home"
    infer_local_table(tmp_path, home)
    get = ["op", "table", "get", "-p", "database_name:w,table_name:t", "--output", "json"]
    code, modules, built, output = probe_models(get, home)
    assert code == 0 and '"Name": "t"' in output, output
    assert "sqlite3" in modules
    assert sorted(modules & set(HEAVY)) == []
    assert sorted(built & OTHER_CLIENT_MODELS) == []


def test_glue_table_get_imports_no_duckdb_or_arrow(tmp_path: Path) -> None:
    """``table get`` on Glue (moto's server on 127.0.0.1) imports boto3 and
    none of the local engine's libraries."""
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        env = {
            "AWS_ACCESS_KEY_ID": "AKIAMASONWEIGHT00001",
            "AWS_SECRET_ACCESS_KEY": "mason-weight-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        glue = boto3.client(
            "glue",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )
        glue.create_database(DatabaseInput={"Name": "w"})
        columns = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}]
        glue.create_table(
            DatabaseName="w",
            TableInput={
                "Name": "t",
                "Parameters": {"classification": "csv"},
                "StorageDescriptor": {"Columns": columns, "Location": "s3://w/t/"},
            },
        )
        config = tmp_path / "glue.yaml"
        config.write_text(GLUE_CONFIG)
        home = tmp_path / "home"
        code, _, output = probe(["config", str(config)], home, env)
        assert code == 0, output
        code, _, output = probe(["op"], home, env)  # the registry index is warm from here on
        assert code == 0, output
        get = ["op", "table", "get", "-p", "database_name:w,table_name:t", "-c", "glue-weight"]
        report, output = probe_report([*get, "--output", "json"], home, env)
    finally:
        server.stop()
    code, modules, built = report["code"], set(report["modules"]), set(report["built"])
    assert code == 0 and '"Location": "s3://w/t/"' in output, output
    assert "boto3" in modules
    assert sorted(modules & {"duckdb", "pyarrow", "pyspark", "pandas", "numpy"}) == []
    assert "GlueClientConfig" in built
    assert sorted(built & {"LocalClientConfig", "SparkClientConfig"}) == []
    # the run took its registry from the index: no plugin entry point, only
    # the configuration model of the one client its configuration names
    assert report["plugin_modules"] == ["mason_aws.config"]
    assert report["specs"] == {"operator": 1, "workflow": 0}


@pytest.mark.parametrize("command", ["query", "get"])
def test_run_reads_its_one_definition_and_no_plugin(command: str, tmp_path: Path) -> None:
    """A plain run takes what it needs from the registry index: its own
    operator definition (one OperatorSpec, no workflow), the configuration
    model of the client its configuration uses, and neither pluggy, PyYAML,
    any plugin's entry-point module nor another client's configuration module. Building
    the whole registry again (every plugin, every definition) fails this."""
    home = tmp_path / "home"
    infer_local_table(tmp_path, home)  # the index is warm from here on
    params = {"query": 'database_name:w,query_string:"SELECT count(*) FROM t"'}
    args = ["op", "table", command, "-p", params.get(command, "database_name:w,table_name:t")]
    report, output = probe_report([*args, "--output", "json"], home)
    assert report["code"] == 0 and '"Errors": []' in output, output
    assert report["specs"] == {"operator": 1, "workflow": 0}
    assert report["plugin_modules"] == ["mason_local.config"]
    # the definition comes as the index kept it, the configuration is built in
    assert sorted(set(report["modules"]) & {"pluggy", "yaml"}) == []
    if command == "get":  # a metastore call: not the execution engine (job records, models)
        assert "mason_core.engines.execution" not in report["engines"], report["engines"]
    # --validate vouches for the whole installation: it still loads every plugin
    report, output = probe_report([*args, "--validate"], home)
    assert report["code"] == 0, output
    assert {f"{m}.plugin" for m in PLUGINS.values()} <= set(report["plugin_modules"])


GLUE_CONFIG = """\
type: config
id: glue-weight
metastore_engine: glue
clients:
  glue:
    configuration:
      aws_region: us-east-1
      access_key: "{{AWS_ACCESS_KEY_ID}}"
      secret_key: "{{AWS_SECRET_ACCESS_KEY}}"
"""


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
    assert sorted(warm & {"typer", "pydantic", "pluggy", *PLUGINS.values(), *HEAVY}) == []
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


#: a run's whole module list (the probe above keeps top-level names only), and
#: whether pydantic searched the installed distributions for its plugins
RUN_PROBE = textwrap.dedent(
    """\
    import json, sys
    from mason_core.cli.entry import main
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        assert not exc.code, exc.code
    loader = vars(sys.modules.get("pydantic.plugin._loader", sys))
    report = {"modules": sorted(sys.modules), "searched": loader.get("_plugins") is not None}
    sys.stdout.write("\\n" + json.dumps(report) + "\\n")
    """
)

#: what a warm local run leaves to the calls that need it: pydantic's plugin
#: search (importlib.metadata, email: no pydantic plugin is installed here), the
#: did-you-mean (difflib), ``mason --help``'s terminal width (shutil), and the
#: canonical models of other calls
RUN_DEFERRED = {
    "get": ("importlib.metadata", "email", "difflib", "shutil", "mason_core.models.job",
            "mason_core.models.dag", "mason_core.models.storage"),
    "query": ("difflib", "mason_core.models.dag"),
}  # fmt: skip


@pytest.mark.parametrize("command", ["get", "query"])
def test_a_warm_run_imports_only_what_its_call_uses(command: str, tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()  # sys.path[0]: a folder nothing writes to, so the index stays warm
    infer_local_table(tmp_path, home)
    params = {"query": 'database_name:w,query_string:"SELECT count(*) FROM t"'}
    args = ["op", "table", command, "-p", params.get(command, "database_name:w,table_name:t")]
    env = dict(os.environ, MASON_HOME=str(home))
    for name in ("MASON_DEBUG", "PYDANTIC_DISABLE_PLUGINS"):
        env.pop(name, None)
    for _ in range(2):  # the first run may refresh the index for this sys.path
        proc = subprocess.run(
            [sys.executable, "-c", RUN_PROBE, *args, "-o", "json"],
            capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.returncode == 0 and '"Errors": []' in proc.stdout, proc.stderr
    report = json.loads(proc.stdout.rstrip("\n").rsplit("\n", 1)[1])
    assert report["searched"] is False  # pydantic's plugin search was answered
    assert sorted(set(RUN_DEFERRED[command]) & set(report["modules"])) == []


#: what ``MasonOperator.__init__`` does for each task of a DAG file Airflow
#: parses (``mason_airflow.steps.validate``; Airflow itself is not installed in
#: this virtualenv, tests/airflow constructs the real operator): two tasks of
#: two operators, then a task with a bad parameter, whose refusal is printed
STEP_PROBE = (
    PROBE_START
    + textwrap.dedent(
        """\
        from mason_airflow import steps
        from mason.sdk.errors import MasonUsageError
        steps.validate("table", "get", None, {"database_name": "w", "table_name": "t"}, None)
        steps.validate("table", "infer", None, {"database_name": "w", "storage_path": "x/"}, None)
        try:
            steps.validate("table", "get", None, {"database_name": "w", "colour": "blue"}, None)
        except MasonUsageError as exc:
            print("refused:", exc.message)
        """
    )
    + PROBE_REPORT
)


def test_an_airflow_dag_files_steps_load_only_their_operators(tmp_path: Path) -> None:
    """With the registry index warm, validating a DAG file's steps reads the
    definitions of the operators it names (one each, shared by its tasks) and
    loads no plugin's module nor pluggy; a bad parameter is still refused
    there, at parse time. A cold index builds the whole registry once."""
    home = tmp_path / "home"
    cold, cold_output = probe_report([], home, script=STEP_PROBE)
    assert cold["specs"]["operator"] > 2  # the whole registry, building the index
    assert {f"{m}.plugin" for m in PLUGINS.values()} <= set(cold["plugin_modules"])
    warm, output = probe_report([], home, script=STEP_PROBE)
    assert warm["specs"] == {"operator": 2, "workflow": 0}
    assert [m for m in warm["plugin_modules"] if m.endswith(".plugin")] == []
    assert sorted(set(warm["modules"]) & {"pluggy", "typer", *HEAVY}) == []
    for text in (cold_output, output):
        assert "refused:" in text and "unknown parameter colour" in text, text
