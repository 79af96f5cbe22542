"""``pip install mason-core mason-<client>``, as the README tells users, works as
written: the bundled table operators come with every client distribution.

Each install is a fresh virtualenv that asks for the names a user types;
Mason's distributions resolve from the wheels built from this repository
(``--find-links`` on the session's wheel folder, see conftest.py) and their
third-party dependencies from the package index, as they would for a user.
Every test checks that what got installed is exactly those wheels, so a
same-named project on the index cannot pass for ours. Then, in a fresh
MASON_HOME each:

- ``mason-core mason-aws``: a Glue configuration pointing at moto's server on
  127.0.0.1 is saved (and made current), a table created in moto's Glue is read
  by ``mason.run("table", "get", ...)`` and ``mason op table get``;
- ``mason-core mason-local``: a table inferred from CSV files, read the same two ways;
- ``mason-core mason-spark``: the same on the local catalog Spark comes with,
  and a Spark query validated against the installed pairing;
- bare ``mason-core`` (with its ``server`` extra): every path naming a table
  operator (``mason op``, ``mason.run``, the server) says it comes with
  mason-operators-table.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.aws.conftest import REGION, aws_environment, moto_server
from tests.packaging.conftest import Wheelhouse
from tests.packaging.test_wheels import Venv, check, clean_env, mason_json, run
from tests.server.process import mason_server

pytestmark = pytest.mark.slow

#: what each install asks for, and every Mason distribution it must end up with
INSTALLS: dict[str, tuple[list[str], set[str]]] = {
    "bare": (["mason-core[server]"], {"mason-core"}),
    "aws": (["mason-core", "mason-aws"], {"mason-core", "mason-aws", "mason-operators-table"}),
    "local": (
        ["mason-core", "mason-local"],
        {"mason-core", "mason-local", "mason-operators-table"},
    ),
    "spark": (
        ["mason-core", "mason-spark"],
        {"mason-core", "mason-spark", "mason-local", "mason-operators-table"},
    ),
}
CLIENTS = ("mason-local", "mason-aws", "mason-spark", "mason-airflow")
HINT = "(comes with mason-operators-table: pip install mason-operators-table)"

#: ``mason.run("table", "get", ...)`` in the installed interpreter, printed as JSON
TABLE_GET = textwrap.dedent(
    """\
    import json, sys
    import mason

    response = mason.run("table", "get", database_name=sys.argv[1], table_name=sys.argv[2])
    table = response.data[0]
    print(json.dumps({
        "ok": response.ok,
        "location": table.location,
        "columns": [c.name for c in table.table_schema.columns],
    }))
    """
)


def pip_install(venv: Venv, links: Path, requirements: list[str]) -> None:
    """``pip install REQUIREMENTS`` (uv's when installed), finding Mason's
    distributions among the freshly built wheels in ``links``.

    uv first resolves from its cache alone (``--offline``): the package index
    serves pyspark as a source distribution that uv otherwise rebuilds on every
    install (over a minute here). With a cold cache it goes to the index."""
    uv = shutil.which("uv")
    if uv is None:
        args = [venv.python, "-m", "pip", "install", "--disable-pip-version-check"]
        check(run([*args, "--find-links", links, *requirements]))
        return
    args = [uv, "pip", "install", "--python", venv.python, "--find-links", links, *requirements]
    if run([*args, "--offline"]).returncode != 0:
        check(run(args))


def installed_mason(venv: Venv) -> dict[str, list[str]]:
    """Every installed ``mason-*`` distribution and the lines of its RECORD."""
    script = textwrap.dedent(
        """\
        import json
        from importlib import metadata
        print(json.dumps({
            d.metadata["Name"]: (d.read_text("RECORD") or "").splitlines()
            for d in metadata.distributions() if d.metadata["Name"].startswith("mason-")
        }))
        """
    )
    return dict(json.loads(check(run([venv.python, "-c", script])).stdout))


def wheel_record(wheel: Path) -> set[str]:
    """The RECORD lines of a wheel's own files (its .dist-info left out)."""
    with zipfile.ZipFile(wheel) as whl:
        record = next(n for n in whl.namelist() if n.endswith(".dist-info/RECORD"))
        lines = whl.read(record).decode().splitlines()
    return {line for line in lines if line and ".dist-info/" not in line.split(",")[0]}


def assert_installed_from(venv: Venv, links: Path, expected: set[str]) -> None:
    """Exactly ``expected`` of Mason's distributions are installed, and each is
    the wheel built here, file for file (hash and size from RECORD)."""
    installed = installed_mason(venv)
    assert set(installed) == expected, sorted(installed)
    for name, record in installed.items():
        (wheel,) = links.glob(name.replace("-", "_") + "-*.whl")
        missing = wheel_record(wheel) - set(record)
        assert not missing, f"{name} is not the wheel built here: {sorted(missing)[:3]}"


@pytest.fixture(scope="module")
def install(wheels: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Venv]:
    """A fresh virtualenv per entry of :data:`INSTALLS`, made on first use."""
    links = wheels.first_party()
    made: dict[str, Venv] = {}

    def get(kind: str) -> Venv:
        if kind not in made:
            requirements, expected = INSTALLS[kind]
            venv = Venv(tmp_path_factory.mktemp(f"venv-{kind}") / "env")
            check(run([sys.executable, "-m", "venv", venv.root]))
            pip_install(venv, links, requirements)
            assert_installed_from(venv, links, expected)
            made[kind] = venv
        return made[kind]

    return get


def requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as whl:
        metadata = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        text = whl.read(metadata).decode()
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if "Requires-Dist:" in line]


def test_every_client_distribution_brings_the_operator_bundle(wheels: Wheelhouse) -> None:
    links = wheels.first_party()
    for client in CLIENTS:
        (wheel,) = links.glob(client.replace("-", "_") + "-*.whl")
        needs = requires(wheel)
        assert "mason-operators-table>=0.2.0" in needs, (client, needs)
    (spark,) = links.glob("mason_spark-*.whl")
    assert "mason-local>=0.2.0" in requires(spark)  # its catalog and storage
    (core,) = links.glob("mason_core-*.whl")
    assert not [r for r in requires(core) if r.startswith("mason-")]  # the core stays light


def table_get_both_ways(venv: Venv, env: dict[str, str], database: str, table: str) -> Any:
    """``mason op table get`` and ``mason.run("table", "get")``: the same table;
    the CLI's JSON answer is returned."""
    data, stderr = mason_json(
        venv, ["op", "table", "get", "-p", f"database_name:{database},table_name:{table}"], env
    )
    assert data["Errors"] == [], stderr
    (shown,) = data["Data"]
    ran = json.loads(check(run([venv.python, "-c", TABLE_GET, database, table], env=env)).stdout)
    assert ran["ok"] is True
    assert ran["location"] == shown["Location"]
    assert ran["columns"] == [c["Name"] for c in shown["Schema"]["Columns"]]
    return shown


def save_config(venv: Venv, env: dict[str, str], path: Path, text: str, config_id: str) -> None:
    """``mason config FILE`` in a fresh MASON_HOME: saved, and made current."""
    path.write_text(text)
    saved = check(run([venv.mason, "config", path, "--output", "json"], env=env))
    assert f"Setting current config to {config_id}" in saved.stderr, saved.stderr
    current = [c["Id"] for c in json.loads(saved.stdout) if c["Current"]]
    assert current == [config_id]


# -- mason-core mason-aws, on moto's Glue -------------------------------------------------


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


def test_aws_install_reads_a_glue_table(
    install: Callable[[str], Venv], moto_url: str, tmp_path: Path
) -> None:
    import boto3

    aws = aws_environment(moto_url)
    glue = boto3.client(
        "glue",
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id=aws["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws["AWS_SECRET_ACCESS_KEY"],
    )
    glue.create_database(DatabaseInput={"Name": "shop"})
    glue.create_table(
        DatabaseName="shop",
        TableInput={
            "Name": "orders",
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "order_id", "Type": "bigint"},
                    {"Name": "amount", "Type": "double"},
                ],
                "Location": "s3://mason-shop/orders/",
            },
        },
    )
    venv = install("aws")
    # the endpoint is the saved configuration's, not the environment's
    credentials = {k: v for k, v in aws.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env = clean_env(tmp_path / "home", **credentials)
    glue_config = f"""\
        type: config
        id: moto
        metastore_engine: glue
        clients:
          glue:
            configuration:
              aws_region: {REGION}
              endpoint_url: {moto_url}
              access_key: "{{{{AWS_ACCESS_KEY_ID}}}}"
              secret_key: "{{{{AWS_SECRET_ACCESS_KEY}}}}"
        """
    save_config(venv, env, tmp_path / "glue.yaml", textwrap.dedent(glue_config), "moto")
    shown = table_get_both_ways(venv, env, "shop", "orders")
    assert shown["Location"] == "s3://mason-shop/orders/"
    assert [c["Name"] for c in shown["Schema"]["Columns"]] == ["order_id", "amount"]


# -- mason-core mason-local, and mason-core mason-spark -----------------------------------


def infer_orders(venv: Venv, env: dict[str, str], root: Path) -> None:
    """``table infer`` of two CSV files as shop.orders, on the local catalog."""
    data = root / "orders"
    data.mkdir(parents=True)
    (data / "part-0.csv").write_text("order_id,amount\n1,9.5\n2,3.25\n")
    (data / "part-1.csv").write_text("order_id,amount\n3,1.0\n")
    params = f'storage_path:"{data}",database_name:shop,table_name:orders'
    inferred, stderr = mason_json(venv, ["op", "table", "infer", "-p", params], env)
    assert inferred["Errors"] == [], stderr


def test_local_install_reads_an_inferred_table(
    install: Callable[[str], Venv], tmp_path: Path
) -> None:
    venv = install("local")
    env = clean_env(tmp_path / "home")
    local = "type: config\nid: mine\nmetastore_engine: local\nstorage_engine: local\n"
    save_config(venv, env, tmp_path / "local.yaml", local, "mine")
    infer_orders(venv, env, tmp_path)
    shown = table_get_both_ways(venv, env, "shop", "orders")
    assert [c["Name"] for c in shown["Schema"]["Columns"]] == ["order_id", "amount"]


SPARK_CONFIG = """\
type: config
id: spark
metastore_engine: local
storage_engine: local
execution_engine: spark
clients:
  spark:
    configuration:
      runner:
        type: local
        threads: 1
        conf:
          spark.driver.host: 127.0.0.1
          spark.driver.bindAddress: 127.0.0.1
          spark.ui.enabled: "false"
"""


def test_spark_install_reads_a_table_and_accepts_spark_queries(
    install: Callable[[str], Venv], tmp_path: Path
) -> None:
    """Spark itself running queries is tests/spark's business (a JVM start costs
    more than this whole module); here the install serves the pairing."""
    venv = install("spark")
    env = clean_env(tmp_path / "home", SPARK_LOCAL_IP="127.0.0.1")
    save_config(venv, env, tmp_path / "spark.yaml", SPARK_CONFIG, "spark")
    infer_orders(venv, env, tmp_path)
    shown = table_get_both_ways(venv, env, "shop", "orders")
    assert [c["Name"] for c in shown["Schema"]["Columns"]] == ["order_id", "amount"]
    query = 'database_name:shop,query_string:"SELECT count(*) AS n FROM orders"'
    data, stderr = mason_json(venv, ["op", "table", "query", "--validate", "-p", query], env)
    assert data["Info"] == ["operator 'table query' is valid with configuration 'spark'"], stderr
    plugins, _ = mason_json(venv, ["plugins"], env)
    spark = next(p for p in plugins["Plugins"] if p["plugin"] == "spark")
    assert spark["status"] == "ok" and spark["clients"] == ["spark"]


# -- bare mason-core: every path names the distribution that provides the operator --------


def test_bare_core_cli_names_the_distribution(
    install: Callable[[str], Venv], tmp_path: Path
) -> None:
    venv = install("bare")
    env = clean_env(tmp_path / "home")
    proc = check(
        run([venv.mason, "op", "table", "get", "-p", "database_name:d,table_name:t"], env=env), 2
    )
    assert proc.stderr == f"error: unknown operator 'table get' {HINT}; namespaces: none\n"
    helped = check(run([venv.mason, "op", "table", "get", "--help"], env=env), 2)
    assert HINT in helped.stderr and "Traceback" not in helped.stderr
    listed = check(run([venv.mason, "op"], env=env))
    assert "pip install mason-operators-table" in listed.stdout


def test_bare_core_python_api_names_the_distribution(
    install: Callable[[str], Venv], tmp_path: Path
) -> None:
    venv = install("bare")
    script = textwrap.dedent(
        """\
        import mason
        try:
            mason.run("table", "get", database_name="d", table_name="t")
        except mason.UnknownOperatorError as exc:
            print(exc)
        """
    )
    proc = check(run([venv.python, "-c", script], env=clean_env(tmp_path / "home")))
    assert proc.stdout == f"unknown operator 'table get' {HINT}; namespaces: none\n"


def test_bare_core_server_names_the_distribution(
    install: Callable[[str], Venv], tmp_path: Path
) -> None:
    venv = install("bare")
    env = clean_env(tmp_path / "home")
    with mason_server(
        tmp_path / "logs", "--root", str(tmp_path), env=env, python=venv.python
    ) as server:
        for method, path in [
            ("GET", "/api/operators/table/get"),
            ("POST", "/api/operators/table/get/run"),
        ]:
            answer = httpx.request(method, f"{server.url}{path}", timeout=60)
            assert answer.status_code == 404, answer.text
            assert answer.json()["Errors"] == [
                f"unknown operator 'table get' {HINT}; namespaces: none"
            ]
