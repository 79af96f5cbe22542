"""What the server accepts as a request body, checked before anything else sees it.

A body is at most ``max_body`` bytes (413 otherwise, counted as it streams in,
so a chunked body without a length is cut off too), and is JSON that Python and
the engines can hold: nested at most :data:`MAX_DEPTH` levels, no lone UTF-16
surrogate in any string, integers within 64 bits, no NaN or infinity. Anything
else is a 400 naming the problem, never quoting the body.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mason_core.errors import ParameterError
from mason_core.server.envelope import error_reply

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: containers inside containers: far beyond any operator's or workflow's body.
MAX_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: the longest key shown when a problem names where it is.
_SHOWN_KEY = 40


def size_text(size: int) -> str:
    """``1048576`` as ``1 MiB``; sizes that are not whole KiB/MiB stay in bytes."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


class BodyTooLarge(Exception):
    """Raised from ``receive`` when the bytes read pass the limit."""


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413, before a route reads them.

    A declared ``Content-Length`` over the limit is refused without reading it
    (the server drops the bytes as they arrive, so a client still sending sees
    the 413, not a reset); otherwise the bytes are counted as the route reads
    them, and the connection is closed after the 413.
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    def _refusal(self, close: bool = True) -> Any:
        return error_reply(
            413,
            f"request body is larger than the server's limit of {size_text(self.max_body)} "
            "(mason server --max-body)",
            {"Connection": "close"} if close else None,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_body:
            # answered at once, but the connection is kept: the server (uvicorn)
            # reads the declared bytes and drops them. Closing with the body
            # unread would reset the connection, and a client still sending
            # would see the reset, never the 413.
            await self._refusal(close=False)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refusal()(scope, receive, send)


def parse_json_body(raw: bytes) -> Any:
    """The JSON value in ``raw``; :class:`ParameterError` (400) when it is not
    JSON the server accepts. Messages name the problem and where, never the value."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError(["request body is not UTF-8"]) from None
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_no_constant)
    except _Refused as exc:
        raise ParameterError([f"request body: {exc}"]) from None
    except RecursionError:
        raise ParameterError([f"request body is nested deeper than {MAX_DEPTH} levels"]) from None
    except ValueError as exc:
        raise ParameterError([f"request body is not valid JSON ({_json_problem(exc)})"]) from None
    problem = _check_value(data)
    if problem:
        raise ParameterError([f"request body: {problem}"])
    return data


class _Refused(ValueError):
    """A JSON token the server does not accept, said without quoting it."""


def _int(token: str) -> int:
    digits = len(token.lstrip("-"))
    if digits > 19:
        raise _Refused(f"an integer of {digits} digits is out of range (64-bit integers only)")
    value = int(token)
    if not INT64_MIN <= value <= INT64_MAX:
        raise _Refused(f"integer {value} is out of range (64-bit integers only)")
    return value


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _Refused("a number too large for a 64-bit float")
    return value


def _no_constant(token: str) -> Any:
    raise _Refused(f"{token} is not a JSON number")


def _json_problem(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return "unreadable"


def shown_key(key: str) -> str:
    """A key as a problem may quote it: cut short, so no error echoes a large input."""
    return key if len(key) <= _SHOWN_KEY else key[:_SHOWN_KEY] + "..."


def _where(path: list[str]) -> str:
    return ".".join(shown_key(p) for p in path) or "the top level"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_value(data: Any) -> str | None:
    """The first problem in the parsed body, walked without recursion."""
    stack: list[tuple[Any, list[str], int]] = [(data, [], 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels at {_where(path)}"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = str(key)
                if isinstance(key, str) and _has_surrogate(key):
                    return f"a key in {_where(path)} holds a lone surrogate (not valid Unicode)"
                stack.append((item, [*path, name], depth + 1))
        elif isinstance(value, str) and _has_surrogate(value):
            return f"{_where(path)} holds a lone surrogate (not valid Unicode)"
    return None
