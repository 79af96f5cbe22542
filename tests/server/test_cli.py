"""``mason server`` / ``mason run``: options, refusals, the missing-extra
message, and a real server process started from the command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from subprocess import CompletedProcess

import httpx
import typer
from typer.testing import CliRunner

from mason_core.cli import server
from mason_core.server.body import size_text
from mason_core.server.settings import parse_size
from tests.server.process import mason, mason_server


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None: ...

    server.register(app)
    return app


def test_server_and_hidden_run_alias() -> None:
    app = cli()
    commands = {c.name: c for c in app.registered_commands}
    assert set(commands) == {"server", "run"}
    assert commands["run"].hidden and not commands["server"].hidden
    result = CliRunner().invoke(app, ["server", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--token", "--root"):
        assert option in result.output


def test_non_loopback_without_token_exits_2() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MASON_API_TOKEN"}
    for command in ("server", "run"):
        result = CliRunner().invoke(cli(), [command, "--host", "0.0.0.0"], env=env)
        assert result.exit_code == 2
        assert "refusing to listen on 0.0.0.0 without a token" in result.output
        assert "Traceback" not in result.output


def test_a_missing_root_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["server", "--root", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "is not a folder" in result.output


def test_without_the_extra_it_says_how_to_install(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "fastapi.py").write_text("raise ImportError('No module named fastapi')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), *sys.path])}
    code = (
        "import typer, sys; from mason_core.cli import server; app = typer.Typer(); "
        "app.callback()(lambda: None); server.register(app); app(['server'])"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'mason-core[server]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_module_does_not_import_fastapi() -> None:
    code = (
        "import sys, mason_core.cli.server; "
        "print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_mason_server_serves(tmp_path: Path, isolated_mason_home: Path) -> None:
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    args = ["--root", str(root), "--token", "cli-token-1234"]
    with mason_server(tmp_path / "logs", *args) as served:
        url = served.url
        assert httpx.get(f"{url}/api/configs").status_code == 401
        answer = httpx.post(
            f"{url}/api/operators/table/infer/validate",
            json={"parameters": {"storage_path": "/etc", "database_name": "d"}},
            headers={"Authorization": "Bearer cli-token-1234"},
        )
        assert answer.status_code == 400
        assert f"outside the local root {root}" in answer.json()["Errors"][0]
    output = served.log()
    assert f"root: {root}" in output and "token: required" in output
    assert "max body: 1 MiB" in output
    assert "cli-token-1234" not in output


def one_line_exit_2(result: CompletedProcess[str]) -> str:
    """The single stderr line of a refused start; nothing else printed."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr and "uvicorn" not in result.stderr.lower()
    return lines[0]


def test_a_port_in_use_is_one_line_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_exit_2(mason("server", "--port", str(port)))
    assert line == f"error: cannot listen on 127.0.0.1 port {port}: the port is in use"


def test_a_host_that_does_not_resolve_is_one_line_exit_2() -> None:
    line = one_line_exit_2(mason("server", "--host", "no-such-host.invalid", "--token", "t0ken-x"))
    assert line.startswith("error: cannot listen on 'no-such-host.invalid': ")
    assert "t0ken-x" not in line


def test_an_address_not_on_this_machine_is_one_line_exit_2() -> None:
    # TEST-NET-1 (RFC 5737): never assigned to a local interface
    line = one_line_exit_2(mason("server", "--host", "192.0.2.1", "--token", "t0ken-x"))
    assert line.startswith("error: cannot listen on 192.0.2.1 port 5000: ")


def test_a_bad_body_limit_exits_2() -> None:
    for bad in ("12X", "0", "-5", "1.5M", ""):
        result = CliRunner().invoke(cli(), ["server", "--max-body", bad])
        assert result.exit_code == 2, result.output
        assert "is not a size" in result.output or "at least 1 byte" in result.output
    env = {**os.environ, "MASON_API_MAX_BODY": "lots"}
    result = CliRunner().invoke(cli(), ["server"], env=env)
    assert result.exit_code == 2 and "'lots' is not a size" in result.output


def test_body_limit_sizes() -> None:
    assert parse_size("1048576") == 2**20
    assert parse_size("512K") == parse_size("512kib") == 512 * 1024
    assert parse_size(" 2M ") == parse_size("2MB") == 2 * 2**20
    assert parse_size("1G") == 2**30
    assert size_text(2**20) == "1 MiB" and size_text(1500) == "1500 bytes"


def test_the_body_limit_comes_from_the_environment(
    tmp_path: Path, isolated_mason_home: Path
) -> None:
    env = {**os.environ, "MASON_API_MAX_BODY": "1K"}
    with mason_server(tmp_path / "logs", "--root", str(tmp_path), env=env) as served:
        small = httpx.post(f"{served.url}/api/operators/table/list/validate", json={})
        big = httpx.post(
            f"{served.url}/api/operators/table/list/validate",
            json={"parameters": {"database_name": "x" * 2000}},
        )
    assert small.status_code == 400  # missing database_name: read and validated
    assert big.status_code == 413
    assert big.json()["Errors"] == [
        "request body is larger than the server's limit of 1 KiB (mason server --max-body)"
    ]
    assert "max body: 1 KiB" in served.log()
