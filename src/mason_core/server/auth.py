"""Bearer-token authentication, and the last line against tracebacks.

Pure ASGI middleware rather than a dependency, so that no route (including
ones added later, or a 404 for a path that does not exist) can skip it.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mason_core.messages import one_line
from mason_core.server.envelope import error_reply

log = logging.getLogger("mason.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: reachable without a token: the health check, and the UI with its API description
#: (the page must load before a user can type the token into its Authorize dialog).
PUBLIC_PATHS = frozenset({"/api/health", "/openapi.json", "/api/ui"})
PUBLIC_PREFIXES = ("/api/ui/",)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def token_matches(header: str | None, token: str) -> bool:
    if not header:
        return False
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


class TokenAuth:
    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"authorization")
        if token_matches(raw.decode("latin-1") if raw else None, self.token):
            await self.app(scope, receive, send)
            return
        message = (
            "wrong bearer token" if raw else "missing bearer token (Authorization: Bearer ...)"
        )
        reply = error_reply(401, message, {"WWW-Authenticate": "Bearer"})
        await reply(scope, receive, send)


class NoTracebacks:
    """Turn any exception that escaped the routes into a 500 envelope with one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            line = one_line(f"{type(exc).__name__}: {exc}")
            # the handler's formatter scrubs the traceback (server/logs.py)
            log.error(
                "%s %s failed: %s",
                scope.get("method"),
                scope.get("path"),
                line,
                exc_info=bool(os.environ.get("MASON_DEBUG")),
            )
            if not started:
                await error_reply(500, f"internal error: {line}")(scope, receive, send)
