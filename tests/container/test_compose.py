"""compose.yaml, brought up for real with podman-compose: Mason's server over moto's
S3 and Glue, with the sample bucket the seed service fills; then torn down.

The images: Mason's (built by the session fixture, named through MASON_IMAGE so compose
reuses it) and moto's, which compose builds from container/moto.Dockerfile on the same
stand-in base, cached across runs under a tag keyed by that file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.container._podman import (
    MOTO_IMAGE_REPO,
    ROOT,
    Podman,
    http,
    wait_healthy,
)
from tests.server.process import free_port

PROJECT = f"masontest{os.getpid()}"


@dataclass(frozen=True)
class Stack:
    url: str
    token: str
    env: dict[str, str]


def project_containers(podman: Podman) -> list[dict[str, Any]]:
    listed = podman.run(
        "ps", "--all", "--filter", f"label=io.podman.compose.project={PROJECT}",
        "--format", "json",
    )  # fmt: skip
    return list(json.loads(listed.stdout or "[]"))


def take_down(podman: Podman, env: dict[str, str]) -> None:
    """``compose down -v``, then what podman-compose leaves behind: the network and
    the anonymous volumes of the project's containers."""
    anonymous: list[str] = []
    for container in project_containers(podman):
        inspected = json.loads(podman.run("inspect", str(container["Id"])).stdout)[0]
        anonymous += [
            m["Name"] for m in inspected["Mounts"] if m.get("Type") == "volume" and m.get("Name")
        ]
    podman.compose(PROJECT, "down", "--volumes", env=env)
    podman.run("volume", "rm", "--force", *anonymous, check=False)
    podman.run("network", "rm", "--force", f"{PROJECT}_default", check=False)


@pytest.fixture(scope="module")
def stack(podman: Podman, base_image: str, mason_image: str) -> Iterator[Stack]:
    moto_key = hashlib.sha256(
        (base_image + (ROOT / "container" / "moto.Dockerfile").read_text()).encode()
    ).hexdigest()[:12]
    token = secrets.token_hex(16)
    port = free_port()
    env = {
        "BASE": base_image,
        "MASON_IMAGE": mason_image,
        "MOTO_IMAGE": f"{MOTO_IMAGE_REPO}:{moto_key}",
        "MASON_API_TOKEN": token,
        "MASON_PUBLISH": f"127.0.0.1:{port}",
    }
    started = time.monotonic()
    try:
        podman.compose(PROJECT, "up", "--detach", env=env)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        podman.figures["compose up until healthy"] = f"{time.monotonic() - started:.1f} s"
        code, _ = podman.wait_exited(f"{PROJECT}_seed_1", 120)
        seed_log = podman.run("logs", f"{PROJECT}_seed_1").stderr
        assert code == 0, f"the seed service failed:\n{seed_log[-3000:]}"
        assert "uploaded 4 files to s3://mason-sample/sales/" in seed_log
        yield Stack(url, token, env)
    finally:
        take_down(podman, env)


def test_infer_over_the_seeded_bucket_then_get_from_glue(stack: Stack) -> None:
    run = f"{stack.url}/api/operators/table/{{}}/run"
    status, body = http(
        "POST",
        run.format("infer"),
        token=stack.token,
        body={
            "parameters": {
                "storage_path": "s3://mason-sample/sales/",
                "database_name": "sample",
                "table_name": "sales",
            }
        },
    )
    assert status == 200, body
    assert body["Errors"] == []
    status, body = http(
        "POST",
        run.format("get"),
        token=stack.token,
        body={"parameters": {"database_name": "sample", "table_name": "sales"}},
    )
    assert status == 200, body
    table = body["Data"][0]
    assert table["Location"] == "s3://mason-sample/sales/"
    assert [c["Name"] for c in table["Schema"]["Columns"]][:2] == ["order_id", "order_date"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["region"]
    assert sorted(p["Values"]["region"] for p in table["Partitions"]) == ["apac", "eu", "us"]
    # the configuration compose.yaml mounts is the one the server ran with
    status, body = http("GET", f"{stack.url}/api/configs", token=stack.token)
    assert status == 200
    assert [c["Id"] for c in body["Data"] if c["Current"]] == ["aws"], body["Data"]


def test_compose_down_leaves_nothing_running(podman: Podman, stack: Stack) -> None:
    assert {str(c["Names"][0]) for c in project_containers(podman)} >= {
        f"{PROJECT}_mason_1",
        f"{PROJECT}_moto_1",
    }
    take_down(podman, stack.env)
    assert project_containers(podman) == []
    volumes = podman.run(
        "volume", "ls", "--filter", f"label=io.podman.compose.project={PROJECT}", "--quiet"
    ).stdout.split()
    assert volumes == []
