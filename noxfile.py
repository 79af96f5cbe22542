"""Mason's developer tasks.

    nox                 tests, airflow, container, lint, typecheck (what CI runs)
    nox -s airflow      tests/airflow against a real Airflow 3, in its own virtualenv
    nox -s container    tests/container: the Dockerfile and compose.yaml, run with podman
    nox -s demo         infer, list and query the bundled sample on the local default
    nox -s bench        every bench/bench_*.py, figures beside their baselines
    nox -s tests -- -k wheels     pytest arguments after ``--``

Sessions run in the interpreter nox itself runs on. They install mason-core
and every plugin under ``plugins/`` editable (fast, and re-installs are near
no-ops when a virtualenv is reused); ``tests/packaging`` separately builds real
wheels and installs them in a fresh virtualenv, so the packaged form is covered
too. The demo installs only what the local default needs.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent.resolve()

# uv when it is installed (``pip install "nox[uv]"``), else virtualenv + pip.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "airflow", "container", "spark-iceberg", "lint", "typecheck"]
# Reusing an existing virtualenv is safe: every session re-runs its installs,
# which only change what is out of date.
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def with_extras(project: str) -> str:
    """``project[every,extra]`` as its pyproject.toml declares them, so tests cover
    optional integrations too (the server, the Spark kubernetes runner...)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]  # nox depends on tomli there
    data = tomllib.loads((ROOT / project / "pyproject.toml").read_text("utf-8"))
    extras = sorted(data.get("project", {}).get("optional-dependencies", {}))
    return f"{project}[{','.join(extras)}]" if extras else project


#: plugins whose extras bring a large dependency tree of their own: the shared
#: sessions install them without extras, and a session of their own (with its own
#: virtualenv) installs the extras and runs their tests, so those pins never
#: constrain the other plugins.
OWN_VENV_EXTRAS = ("plugins/mason-airflow",)

#: mason-core and every first-party plugin under plugins/, with all their extras.
CORE = with_extras(".")
PLUGINS = tuple(
    name if name in OWN_VENV_EXTRAS else with_extras(name)
    for name in (
        str(p.parent.relative_to(ROOT)) for p in sorted((ROOT / "plugins").glob("*/pyproject.toml"))
    )
)
TEST_DEPS = (
    "pytest",
    "pytest-timeout",
    "hypothesis",
    "psutil",
    "build",
    "hatchling",
    "moto[server]",  # AWS clients are tested against moto's server on 127.0.0.1
    "httpx",  # the REST server's test client
    "schemathesis",  # fuzzes the live server against its own OpenAPI
    "websocket-client",  # talks to headless Chromium in the server's UI test
)
# pinned so lint and typecheck verdicts do not change under us with a new release
LINT_DEPS = ("ruff==0.17.6",)
TYPECHECK_DEPS = ("mypy==2.4.1", "types-PyYAML")
BENCH_DEPS = ("psutil", "tpchgen-cli", "moto[server]", "boto3", "s3fs")
#: third-party example plugins type-checked alongside the first-party ones.
EXTRA_TYPED_SOURCES = ("tests/packaging/mason-acme/src", "tests/packaging/mason-tinydb/src")
#: a per-test ceiling well above any real test, so a hang fails instead of eating CI time.
TEST_TIMEOUT_SECONDS = "900"


#: what the demo needs: the embedded local client and the operator bundle.
DEMO_PLUGINS = ("plugins/mason-local", "plugins/mason-operators-table")


def install_mason(session: nox.Session, *extra: str, plugins: tuple[str, ...] = PLUGINS) -> None:
    args: list[str] = []
    for package in (CORE, *plugins):
        args += ["-e", package]
    session.install(*args, *extra)


def plugin_sources() -> list[str]:
    found = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "plugins").glob("*/src"))
    return found + [s for s in EXTRA_TYPED_SOURCES if (ROOT / s).is_dir()]


@nox.session
def tests(session: nox.Session) -> None:
    """pytest over tests/ with every first-party plugin installed."""
    install_mason(session, *TEST_DEPS)
    install_browser(session)
    # tests/faults/test_env_clock.py steps the clock of real mason processes
    install_debian(session, "faketime", "faketime")
    # tests/airflow runs in the airflow session, with Airflow installed; tests/container
    # in the container session; tests/spark_iceberg in spark-iceberg (pyspark 3.5)
    args = session.posargs or [
        "tests",
        "--ignore=tests/airflow",
        "--ignore=tests/container",
        "--ignore=tests/spark_iceberg",
    ]
    # success_codes=[0]: pytest's 5 ("no tests collected") is a failure here.
    session.run(
        "python",
        "-m",
        "pytest",
        f"--timeout={TEST_TIMEOUT_SECONDS}",
        *args,
        success_codes=[0],
    )


def install_browser(session: nox.Session) -> None:
    """The server's Swagger UI test drives a headless Chromium; the script installs
    Debian's package (apt, as root or through sudo) when none is on PATH."""
    install_debian(session, "chromium", "chromium", "fonts-dejavu-core")


def install_debian(session: nox.Session, command: str, *packages: str) -> None:
    """Debian's ``packages`` (apt, as root or through sudo) when ``command`` is
    not on PATH (or, given as a path, does not exist): tools the tests drive
    as real processes, files they load."""
    script = ROOT / "scripts" / "apt-install.sh"
    present = Path(command).exists() if "/" in command else shutil.which(command)
    if not present and script.is_file():
        session.log(f"{command} not found: installing {' '.join(packages)} (apt)")
        session.run("bash", str(script), command, *packages, external=True)


#: what the airflow session installs besides Mason: Airflow comes with mason-airflow's
#: ``airflow`` extra.
AIRFLOW_PLUGINS = (
    "plugins/mason-local",
    "plugins/mason-operators-table",
    "plugins/mason-airflow[airflow]",
)
AIRFLOW_TEST_DEPS = ("pytest", "pytest-timeout", "httpx", "PyYAML")


def install_airflow(session: nox.Session) -> None:
    install_mason(session, *AIRFLOW_TEST_DEPS, plugins=AIRFLOW_PLUGINS)


@nox.session
def airflow(session: nox.Session) -> None:
    """tests/airflow against a real Airflow 3 (``airflow standalone``, started once
    by the tests), in a virtualenv of its own."""
    install_airflow(session)
    args = session.posargs or ["tests/airflow"]
    session.run(
        "python", "-m", "pytest", f"--timeout={TEST_TIMEOUT_SECONDS}", *args, success_codes=[0]
    )


#: the container session's virtualenv: the test runner, httpx, and mason-core
#: (tests/conftest.py imports it); the image brings its own Mason.
CONTAINER_TEST_DEPS = ("pytest", "pytest-timeout", "httpx")


@nox.session
def container(session: nox.Session) -> None:
    """tests/container: builds the Dockerfile with podman, runs the image and compose.yaml
    (Mason over moto's S3 and Glue). Installs podman, runc, debootstrap and podman-compose
    from Debian's packages when missing (scripts/install-podman.sh: apt, as root or
    through sudo); skips nothing: without a working podman the tests fail saying why."""
    session.install("-e", ".", *CONTAINER_TEST_DEPS)
    session.run("bash", str(ROOT / "scripts" / "install-podman.sh"), external=True)
    args = session.posargs or ["tests/container"]
    session.run(
        "python", "-m", "pytest", f"--timeout={TEST_TIMEOUT_SECONDS}", *args, success_codes=[0]
    )


#: the spark-iceberg session's pins: the Iceberg Spark runtime for Spark 3.5
#: ships inside snowpark-connect-deps-iceberg (1.0.3's jar lacks the shaded
#: classes), so this session runs pyspark 3.5 in a virtualenv of its own while
#: the tests session keeps pyspark 4.
SPARK_ICEBERG_DEPS = ("pyspark>=3.5,<3.6", "snowpark-connect-deps-iceberg==1.0.2")


@nox.session(name="spark-iceberg")
def spark_iceberg(session: nox.Session) -> None:
    """tests/spark_iceberg: the spark client reads the local client's Iceberg tables."""
    install_mason(session, "pytest", "pytest-timeout", *SPARK_ICEBERG_DEPS)
    # Spark writes the local client's SQLite catalog through Iceberg's JdbcCatalog,
    # which needs a SQLite JDBC driver: Debian's, since no PyPI package ships one
    install_debian(session, "/usr/share/java/sqlite-jdbc.jar", "libxerial-sqlite-jdbc-java")
    args = session.posargs or ["tests/spark_iceberg"]
    session.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "--timeout", TEST_TIMEOUT_SECONDS, *args
    )


@nox.session(name="bench-airflow")
def bench_airflow(session: nox.Session) -> None:
    """bench/bench_airflow.py in a virtualenv with Airflow (``nox -s bench`` queues it)."""
    install_airflow(session)
    session.run("python", str(ROOT / "bench" / "bench_airflow.py"))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install(*LINT_DEPS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the core; mypy on each plugin's sources."""
    install_mason(session, *TYPECHECK_DEPS)
    session.run("mypy", "--strict", "src/mason_core", "src/mason")
    # MYPYPATH=src: plugins see mason-core's own sources and types.
    for source in plugin_sources():
        session.run("mypy", source, env={"MYPYPATH": str(ROOT / "src")})


@nox.session
def bench(session: nox.Session) -> None:
    """Run bench/bench_*.py (or those named after ``--``), each printing its figures."""
    install_mason(session, *BENCH_DEPS)
    compile_bytecode(session)
    # bench_airflow.py needs Airflow, which is not installed here: the
    # bench-airflow session runs it in a virtualenv of its own
    airflow_names = {"bench_airflow", "airflow"}
    wanted = {Path(a).stem for a in session.posargs}
    if not wanted or wanted & airflow_names:
        session.notify("bench-airflow")
    scripts = [s for s in sorted((ROOT / "bench").glob("bench_*.py")) if s.stem != "bench_airflow"]
    if wanted:
        wanted -= airflow_names
        if not wanted:
            return
        scripts = [
            s for s in scripts if s.stem in wanted or s.stem.removeprefix("bench_") in wanted
        ]
        if not scripts:
            session.error(f"no bench script matches {', '.join(session.posargs)}")
    if not scripts:
        session.error("no bench/bench_*.py scripts")
    for script in scripts:
        session.log(f"=== {script.name}")
        session.run("python", str(script))


def compile_bytecode(session: nox.Session) -> None:
    """pip compiles bytecode when it installs, so a user's start-up reads .pyc
    files; uv does not, and PYTHONDONTWRITEBYTECODE may be set. Compile once so
    start-up figures measure Mason rather than Python's compiler."""
    purelib = session.run(
        "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True
    )
    if not isinstance(purelib, str):
        session.error("could not locate site-packages")
    sources = [purelib.strip().splitlines()[-1], "src", *plugin_sources()]
    session.run("python", "-m", "compileall", "-q", "-j", "0", *sources, silent=True)


@nox.session
def demo(session: nox.Session) -> None:
    """Mason's main job on the embedded local default, in a throwaway MASON_HOME:
    infer the bundled sample dataset, list the tables, query them."""
    install_mason(session, plugins=DEMO_PLUGINS)
    home = Path(tempfile.mkdtemp(prefix="mason-demo-"))
    env = {"MASON_HOME": str(home / "home")}
    try:
        sample = session.run(
            "python",
            "-c",
            "from mason_operators_table import samples; print(samples.path('sales'))",
            silent=True,
            env=env,
        )
        if not isinstance(sample, str) or not sample.strip():
            session.error("could not locate the bundled sample dataset")
        sample_path = sample.strip().splitlines()[-1]
        steps = [
            (
                "infer the sample (CSV files, hive-partitioned by region) as demo.sales",
                [
                    "op",
                    "table",
                    "infer",
                    "-p",
                    f'storage_path:"{sample_path}",database_name:demo,table_name:sales',
                ],
            ),
            (
                "list the tables of database demo",
                ["op", "table", "list", "-p", "database_name:demo"],
            ),
            (
                "query it: revenue per region",
                [
                    "op",
                    "table",
                    "query",
                    "-p",
                    'database_name:demo,query_string:"SELECT region, count(*) AS orders, '
                    "round(sum(quantity * unit_price), 2) AS revenue FROM sales "
                    'GROUP BY region ORDER BY region"',
                ],
            ),
        ]
        for title, args in steps:
            session.log(f"--- {title}")
            session.run("mason", *args, "--output", "table", env=env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
