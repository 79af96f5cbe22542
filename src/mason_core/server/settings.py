"""How a server is started: address, token and root, checked before binding.

Kept free of FastAPI imports so the CLI can refuse a bad address without the
server extra installed.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from mason_core.errors import MasonUsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
TOKEN_ENV = "MASON_API_TOKEN"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (``localhost``, 127/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


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

    @classmethod
    def from_options(
        cls,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        token: str | None = None,
        root: Path | str | None = None,
        home: Path | str | None = None,
        workers: int = 4,
    ) -> ServerSettings:
        """Settings from CLI-style options: the token falls back to
        ``MASON_API_TOKEN``; every problem is a usage error."""
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        token = token.strip() if token and token.strip() else None
        resolved = Path(root).expanduser().resolve() if root is not None else Path.cwd().resolve()
        if not resolved.is_dir():
            raise MasonUsageError(f"server root {resolved} is not a folder")
        if not 0 <= port <= 65535:
            raise MasonUsageError(f"port must be between 0 and 65535, got {port}")
        if workers < 1:
            raise MasonUsageError(f"workers must be 1 or more, got {workers}")
        settings = cls(
            host=host,
            port=port,
            token=token,
            root=resolved,
            home=Path(home).expanduser() if home is not None else None,
            workers=workers,
        )
        settings.check_bind()
        return settings

    def check_bind(self) -> None:
        """Refuse to serve beyond this machine without a token."""
        if self.token is None and not is_loopback(self.host):
            raise MasonUsageError(
                f"refusing to listen on {self.host} without a token: anyone who can reach it "
                f"could run operators. Set {TOKEN_ENV} or pass --token, or listen on 127.0.0.1"
            )
