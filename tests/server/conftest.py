"""A real uvicorn server on 127.0.0.1 (a free port), over a real MASON_HOME and
the real local client, with a small CSV dataset inside the server's root."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mason_core.home import MasonHome
from mason_core.register import register_path
from mason_core.server import ServerSettings, create_app

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "s3cret-token-for-tests"

SALES = {
    "region=eu/part-0.csv": "order_id,quantity,unit_price\n1,2,10.5\n2,1,3.0\n",
    "region=us/part-0.csv": "order_id,quantity,unit_price\n3,5,2.0\n",
}


@dataclass
class Live:
    url: str
    root: Path
    home: Path
    client: httpx.Client

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.client.post(path, json=body, **kw)

    def wait_for(self, path: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Poll ``path`` until ``done(first Data item)``; fail after 30 s."""
        deadline = time.monotonic() + 30
        while True:
            answer = self.get(path)
            assert answer.status_code == 200, answer.text
            item: dict[str, Any] = answer.json()["Data"][0]
            if done(item):
                return item
            assert time.monotonic() < deadline, f"{path} still {item}"
            time.sleep(0.05)


def write_sales(root: Path) -> Path:
    base = root / "data" / "sales"
    for name, text in SALES.items():
        target = base / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return base


@contextmanager
def serve(settings: ServerSettings) -> Iterator[str]:
    """Run the app under uvicorn in a thread, on a socket bound to a free port."""
    sock = dataclasses.replace(settings, host="127.0.0.1", port=0).listen()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    write_sales(path)
    return path


@pytest.fixture
def home(isolated_mason_home: Path) -> Path:
    """The per-test MASON_HOME, with the test operators (servertest wait|crash) registered."""
    register_path(MasonHome.from_env(isolated_mason_home), FIXTURES / "operators")
    return isolated_mason_home


def start(root: Path, home: Path, token: str | None = None) -> Iterator[Live]:
    settings = ServerSettings(root=root, home=home, token=token)
    with serve(settings) as url:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            yield Live(url, root, home, client)


@pytest.fixture
def live(root: Path, home: Path) -> Iterator[Live]:
    """An open server (no token) on loopback."""
    yield from start(root, home)


@pytest.fixture
def secured(root: Path, home: Path) -> Iterator[Live]:
    """A server that requires :data:`TOKEN`; its client sends it."""
    yield from start(root, home, TOKEN)
