"""``mason server`` / ``mason run``: options, refusals, the missing-extra
message, and a real server process started from the command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
from typer.testing import CliRunner

from mason_core.cli import server


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_mason_server_serves(tmp_path: Path, isolated_mason_home: Path) -> None:
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    port = free_port()
    code = (
        "import typer; from mason_core.cli import server; app = typer.Typer(); "
        "app.callback()(lambda: None); server.register(app); app()"
    )
    args = ["server", "--port", str(port), "--root", str(root), "--token", "cli-token-1234"]
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        assert httpx.get(f"{url}/api/configs").status_code == 401
        answer = httpx.post(
            f"{url}/api/operators/table/infer/validate",
            json={"parameters": {"storage_path": "/etc", "database_name": "d"}},
            headers={"Authorization": "Bearer cli-token-1234"},
        )
        assert answer.status_code == 400
        assert f"outside the local root {root}" in answer.json()["Errors"][0]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert f"root: {root}" in output and "token: required" in output
    assert "cli-token-1234" not in output
