"""Mason's image, run for real with podman: the server it starts, its token, its
health check, its user and volume, and how it stops.

Each test talks to the container over a port published on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.container._podman import ROOT, Podman, http, wait_healthy
from tests.server.process import free_port


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    token: str


def start_server(
    podman: Podman, image: str, suffix: str, token: str | None = None, *args: str
) -> Server:
    """A detached container on a free loopback port, healthy; ``args`` replace the
    token's environment variable (``token`` is then how to reach it)."""
    name = f"mason-test-{suffix}-{os.getpid()}"
    port = free_port()
    token = token or secrets.token_hex(16)
    podman.remove(name)
    podman.run(
        "run", "--detach", "--name", name,
        *(args or ("--env", f"MASON_API_TOKEN={token}")),
        "--publish", f"127.0.0.1:{port}:5000",
        image,
    )  # fmt: skip
    server = Server(name, f"http://127.0.0.1:{port}", token)
    try:
        wait_healthy(server.url)
    except AssertionError:
        logs = podman.run("logs", name, check=False)
        podman.remove(name)
        raise AssertionError(f"the server did not come up:\n{logs.stderr[-3000:]}") from None
    return server


@pytest.fixture(scope="module")
def server(podman: Podman, mason_image: str) -> Iterator[Server]:
    running = start_server(podman, mason_image, "server")
    yield running
    podman.run("rm", "--force", "--volumes", running.name, check=False)


def test_refuses_to_start_without_a_token(podman: Podman, mason_image: str) -> None:
    """0.0.0.0 inside the container: without MASON_API_TOKEN the server exits with 2."""
    done = podman.run("run", "--rm", mason_image, check=False, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "refusing to listen on 0.0.0.0 without a token" in done.stderr
    assert "Traceback" not in done.stderr


def test_image_runs_as_non_root_with_mason_home_on_a_volume(
    podman: Podman, mason_image: str
) -> None:
    inspected = json.loads(podman.run("image", "inspect", mason_image).stdout)[0]
    config = inspected["Config"]
    assert config["User"] == "10001:10001"
    assert "/var/lib/mason" in config["Volumes"]
    assert config["Env"] and "MASON_HOME=/var/lib/mason" in config["Env"]
    assert config["Entrypoint"][0] == "dumb-init"
    # podman shows the HEALTHCHECK beside Config (docker inside it)
    assert "/api/health" in " ".join(inspected["Healthcheck"]["Test"])
    ids = podman.run("run", "--rm", "--entrypoint", "id", mason_image, "-u").stdout.strip()
    assert ids == "10001"


def test_health_answers_on_a_published_loopback_port(podman: Podman, server: Server) -> None:
    status, body = http("GET", f"{server.url}/api/health")
    assert status == 200
    assert body["Data"][0]["status"] == "ok"
    # the image's own HEALTHCHECK, run by podman inside the container
    check = podman.run("healthcheck", "run", server.name, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_operator_call_needs_the_token(server: Server) -> None:
    url = f"{server.url}/api/operators/database/list/run"
    status, _ = http("POST", url, body={"parameters": {}})
    assert status == 401
    status, _ = http("POST", url, token="not-the-token", body={"parameters": {}})
    assert status == 401
    status, body = http("POST", url, token=server.token, body={"parameters": {}})
    assert status == 200, body
    assert body["Errors"] == []


def test_the_token_can_come_from_a_mounted_secret_file(
    podman: Podman, mason_image: str, tmp_path: Path
) -> None:
    """MASON_API_TOKEN_FILE (docker and compose secrets) instead of the environment,
    where ``inspect`` would show it."""
    token = secrets.token_hex(16)
    secret = tmp_path / "token"
    secret.write_text(token)
    secret.chmod(0o644)
    running = start_server(
        podman, mason_image, "secret", token,
        "--volume", f"{secret}:/run/secrets/mason_token:ro",
        "--env", "MASON_API_TOKEN_FILE=/run/secrets/mason_token",
    )  # fmt: skip
    try:
        url = f"{running.url}/api/operators"
        assert http("GET", url)[0] == 401
        assert http("GET", url, token=token)[0] == 200
        env = podman.run("inspect", "--format", "{{json .Config.Env}}", running.name).stdout
        assert token not in env
    finally:
        podman.run("rm", "--force", "--volumes", running.name, check=False)
    done = podman.run(
        "run", "--rm", "--env", "MASON_API_TOKEN_FILE=/run/secrets/missing", mason_image,
        check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "MASON_API_TOKEN_FILE names /run/secrets/missing" in done.stderr


def test_sigterm_stops_the_container_within_10_seconds(podman: Podman, mason_image: str) -> None:
    """dumb-init (PID 1) forwards SIGTERM; the server shuts down cleanly and exits
    128+15, its own answer to SIGTERM (137 would mean podman had to SIGKILL it)."""
    running = start_server(podman, mason_image, "sigterm")
    try:
        podman.run("kill", "--signal", "TERM", running.name)
        code, waited = podman.wait_exited(running.name, 10)
        assert code == 143, f"exit code {code} after {waited:.1f} s"
        podman.figures["SIGTERM to exit"] = f"{waited:.1f} s"
        logs = podman.run("logs", running.name).stderr
        assert "Application shutdown complete" in logs
    finally:
        podman.run("rm", "--force", "--volumes", running.name, check=False)


def config_folder(tmp_path: Path, text: str) -> Path:
    """A folder holding one configuration, readable by the image's user (uid 10001)."""
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "files.yaml").write_text(text)
    folder.chmod(0o755)
    (folder / "files.yaml").chmod(0o644)
    return folder


LOCAL_CONFIG = """\
type: config
id: files
metastore_engine: local
storage_engine: local
execution_engine: local
"""


def test_mounted_configurations_are_saved_on_the_volume_and_outlive_the_container(
    podman: Podman, mason_image: str, tmp_path: Path
) -> None:
    """The entrypoint saves MASON_CONFIG_DIR's files into MASON_HOME and selects
    MASON_CONFIG_ID; a new container on the same volume (an upgrade) still has them."""
    volume = f"mason-test-home-{os.getpid()}"
    folder = config_folder(tmp_path, LOCAL_CONFIG)
    try:
        podman.run(
            "run", "--rm", "--volume", f"{volume}:/var/lib/mason",
            "--volume", f"{folder}:/etc/mason/configs:ro", "--env", "MASON_CONFIG_ID=files",
            mason_image, "mason", "config",
        )  # fmt: skip
        listed = podman.run(
            "run", "--rm", "--volume", f"{volume}:/var/lib/mason", mason_image, "mason", "config"
        )
        configs = json.loads(listed.stdout)
        assert [c["Id"] for c in configs if c["Current"]] == ["files"], configs
    finally:
        podman.run("volume", "rm", "--force", volume, check=False)


def test_an_invalid_mounted_configuration_stops_the_container_with_one_line(
    podman: Podman, mason_image: str, tmp_path: Path
) -> None:
    folder = config_folder(tmp_path, LOCAL_CONFIG.replace("id: files", "id: has a space"))
    done = podman.run(
        "run", "--rm", "--env", "MASON_API_TOKEN=x",
        "--volume", f"{folder}:/etc/mason/configs:ro", mason_image,
        check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "files.yaml" in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert "Mason API on" not in done.stderr  # the server never started


def test_an_unknown_plugin_stops_the_build_naming_the_choices(
    podman: Podman, base_image: str, mason_image: str
) -> None:
    """PLUGINS with a typo: the build stage stops with one line (the layers before it
    are the cached ones the session's own build made)."""
    images = ("images", "--all", "--quiet", "--no-trunc")
    before = set(podman.run(*images).stdout.split())
    try:
        done = podman.run(
            "build", "--target", "build", "--build-arg", f"BASE={base_image}",
            "--build-arg", "PLUGINS=local gleu", str(ROOT),
            check=False, timeout=600,
        )  # fmt: skip
    finally:  # the layer the failed build committed for its PLUGINS value
        left = set(podman.run(*images).stdout.split()) - before
        if left:
            podman.run("rmi", "--force", *left, check=False)
    assert done.returncode != 0
    assert "error: unknown plugin 'gleu' in PLUGINS (choose from: airflow aws local" in (
        done.stdout + done.stderr
    )
