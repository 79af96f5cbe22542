"""How a server is started: address, token, root and body limit, checked
before binding, and the listening socket bound before uvicorn starts.

Kept free of FastAPI imports so the CLI can refuse a bad address without the
server extra installed.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

from mason_core.errors import MasonUsageError
from mason_core.machine import absolute_path, working_directory

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
TOKEN_ENV = "MASON_API_TOKEN"
#: request bodies larger than this are refused with 413.
DEFAULT_MAX_BODY = 2**20
MAX_BODY_ENV = "MASON_API_MAX_BODY"

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str) -> int:
    """A byte count: ``1048576``, ``512K``, ``1M``, ``1MiB`` (units are powers of 1024)."""
    match = _SIZE.match(text)
    if match is None:
        raise MasonUsageError(f"'{text[:40]}' is not a size (bytes, or a number with K, M or G)")
    size = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if size < 1:
        raise MasonUsageError("the request body limit must be at least 1 byte")
    return size


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (``localhost``, 127/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def bare_host(host: str) -> str:
    """The host as sockets name it: surrounding spaces and an IPv6 literal's
    brackets (``[::1]``, as in a URL) taken off; an empty host is refused."""
    bare = host.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1].strip()
    if not bare:
        raise MasonUsageError(f"'{host}' is not a host to listen on")
    return bare


@dataclass(frozen=True)
class ServerSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    #: bearer token every endpoint but the health check requires; ``None``: open.
    token: str | None = None
    #: local paths reached through the API must stay inside this folder.
    root: Path = field(default_factory=Path.cwd)
    #: MASON_HOME; ``None`` reads the environment.
    home: Path | None = None
    #: background runs at once (``?async=true``).
    workers: int = 4
    #: request bodies over this many bytes are refused (413).
    max_body: int = DEFAULT_MAX_BODY

    @classmethod
    def from_options(
        cls,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        token: str | None = None,
        root: Path | str | None = None,
        home: Path | str | None = None,
        workers: int = 4,
        max_body: str | None = None,
    ) -> ServerSettings:
        """Settings from CLI-style options: the token falls back to
        ``MASON_API_TOKEN``, the body limit to ``MASON_API_MAX_BODY``; every
        problem is a usage error."""
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        max_body = max_body if max_body is not None else os.environ.get(MAX_BODY_ENV)
        token = token.strip() if token and token.strip() else None
        if root is None and working_directory() is None:
            raise MasonUsageError(
                "the working directory no longer exists: pass --root to serve local paths from"
            )
        resolved = absolute_path(root if root is not None else ".").resolve()
        if not resolved.is_dir():
            raise MasonUsageError(f"server root {resolved} is not a folder")
        if not 0 <= port <= 65535:
            raise MasonUsageError(f"port must be between 0 and 65535, got {port}")
        if workers < 1:
            raise MasonUsageError(f"workers must be 1 or more, got {workers}")
        settings = cls(
            host=bare_host(host),
            port=port,
            token=token,
            root=resolved,
            home=Path(home).expanduser() if home is not None else None,
            workers=workers,
            max_body=parse_size(max_body) if max_body is not None else DEFAULT_MAX_BODY,
        )
        settings.check_bind()
        return settings

    @property
    def url_host(self) -> str:
        """The host as a URL names it (an IPv6 literal in brackets)."""
        return f"[{self.host}]" if ":" in self.host else self.host

    def check_bind(self) -> None:
        """Refuse to serve beyond this machine without a token."""
        if self.token is None and not is_loopback(self.host):
            raise MasonUsageError(
                f"refusing to listen on {self.host} without a token: anyone who can reach it "
                f"could run operators. Set {TOKEN_ENV} or pass --token, or listen on 127.0.0.1"
            )

    def listen(self) -> socket.socket:
        """The bound socket uvicorn will serve on. Binding here, before uvicorn
        starts, makes a host that does not resolve or a port in use one line
        (a usage error) instead of uvicorn's start-and-shut-down log."""
        try:
            found = socket.getaddrinfo(
                bare_host(self.host),
                self.port,
                type=socket.SOCK_STREAM,
                flags=socket.AI_PASSIVE,
            )
        except (socket.gaierror, UnicodeError) as exc:
            reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a host name"
            raise MasonUsageError(f"cannot listen on '{self.host}': {reason}") from None
        family, kind, proto, _, address = found[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            sock.close()
            reason = (
                "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
            )
            raise MasonUsageError(
                f"cannot listen on {self.host} port {self.port}: {reason}"
            ) from None
        return sock
