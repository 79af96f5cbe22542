"""A fault-injecting HTTP proxy between the AWS clients and moto's server.

``FaultProxy`` listens on 127.0.0.1 and forwards every request to moto,
except that a ``Fault`` answers matching requests with an error of its own
(a throttling error, an internal error, an Athena InvalidRequestException)
for a while: after letting ``skip`` of them through, the next ``times`` (or
all, when ``times`` is None). Each fault counts the requests it matched and
how many it answered, so tests can assert that a client retried.

Clients reach it through ``endpoint_url``: botocore addresses buckets by
path on an IP endpoint, so one proxy serves S3, Glue, Athena and STS.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
}


@dataclass(frozen=True)
class Request:
    method: str
    raw_target: str  # path and query string, as sent
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def target(self) -> str:
        """The JSON protocol's operation (``AWSGlue.GetTable``), or ''."""
        return self.headers.get("x-amz-target", "")

    @property
    def action(self) -> str:
        """The query protocol's operation (STS ``AssumeRole``), or ''."""
        form = parse_qs(self.body.decode("utf-8", "replace")) if self.method == "POST" else {}
        return (form.get("Action") or self.query.get("Action") or [""])[0]


# -- what to match -------------------------------------------------------------------


def s3_get_object(bucket: str) -> Callable[[Request], bool]:
    """A GET of an object (not a listing) in ``bucket``."""

    def match(request: Request) -> bool:
        return request.method == "GET" and request.path.startswith(f"/{bucket}/")

    return match


def s3_copy_object(request: Request) -> bool:
    return request.method == "PUT" and "x-amz-copy-source" in request.headers


def s3_list_objects(bucket: str) -> Callable[[Request], bool]:
    def match(request: Request) -> bool:
        return (
            request.method == "GET"
            and request.path.rstrip("/") == f"/{bucket}"
            and request.query.get("list-type") == ["2"]
        )

    return match


def operation(target: str) -> Callable[[Request], bool]:
    """A JSON-protocol operation (``AWSGlue.GetTable``, ``AmazonAthena.GetQueryExecution``)."""
    return lambda request: request.target == target


def query_action(action: str) -> Callable[[Request], bool]:
    """A query-protocol operation (``AssumeRole``)."""
    return lambda request: request.action == action


# -- what to answer ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


@dataclass(frozen=True)
class ShortBody:
    """Forward the request, then send only the first ``fraction`` of moto's
    body, with a Content-Length that matches the shortened body (a proxy or
    middlebox bug: the HTTP exchange itself looks whole)."""

    fraction: float = 0.5


@dataclass(frozen=True)
class Stall:
    """Accept the request and answer nothing for ``seconds`` (a stalled endpoint)."""

    seconds: float = 30.0


def s3_error(status: int, code: str, message: str) -> Answer:
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>f</RequestId></Error>"
    )
    return Answer(status, xml.encode(), "application/xml")


def json_error(status: int, code: str, message: str) -> Answer:
    body = json.dumps({"__type": code, "message": message, "Message": message})
    return Answer(status, body.encode(), "application/x-amz-json-1.1")


SLOW_DOWN = s3_error(503, "SlowDown", "Please reduce your request rate.")
S3_INTERNAL = s3_error(500, "InternalError", "We encountered an internal error.")
THROTTLING = json_error(400, "ThrottlingException", "Rate exceeded")


@dataclass
class Fault:
    match: Callable[[Request], bool]
    answer: Answer | ShortBody | Stall
    times: int | None = 1  # None: for as long as the fault is installed
    skip: int = 0  # matching requests let through before the first fault
    seen: int = 0  # matching requests
    answered: int = 0  # matching requests answered with the fault
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, request: Request) -> Answer | ShortBody | Stall | None:
        if not self.match(request):
            return None
        with self.lock:
            self.seen += 1
            if self.seen <= self.skip:
                return None
            if self.times is not None and self.answered >= self.times:
                return None
            self.answered += 1
            return self.answer


class FaultProxy:
    """The proxy; ``url`` is what clients take as ``endpoint_url``."""

    def __init__(self, upstream: str, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: serve HTTPS with this server context (the upstream stays HTTP)."""
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.faults: list[Fault] = []
        self.forwarded = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @contextmanager
    def fault(
        self,
        match: Callable[[Request], bool],
        answer: Answer | ShortBody | Stall,
        times: int | None = 1,
        skip: int = 0,
    ) -> Iterator[Fault]:
        """Install a fault for the ``with`` block."""
        installed = Fault(match, answer, times, skip)
        with self._lock:
            self.faults.append(installed)
        try:
            yield installed
        finally:
            with self._lock:
                self.faults.remove(installed)

    def watch(self, match: Callable[[Request], bool]) -> contextlib.AbstractContextManager[Fault]:
        """Count the matching requests, answering none of them."""
        return self.fault(match, Answer(500, b"", "text/plain"), times=0)

    def _answer_for(self, request: Request) -> Answer | ShortBody | Stall | None:
        with self._lock:
            faults = list(self.faults)
        for fault in faults:
            answer = fault.take(request)
            if answer is not None:
                return answer
        return None

    def _forward(self, request: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
            headers["content-length"] = str(len(request.body))
            connection.request(request.method, request.raw_target, request.body, headers)
            response = connection.getresponse()
            body = response.read()
            with self._lock:
                self.forwarded += 1
            return response.status, response.getheaders(), body
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    raw_target=self.path,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self._body(),
                )
                answer = proxy._answer_for(request)
                if isinstance(answer, Stall):
                    time.sleep(answer.seconds)
                    self.close_connection = True
                    return
                if isinstance(answer, Answer):
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.send_header("x-amzn-RequestId", "fault")
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(answer.body)
                    return
                status, headers, body = proxy._forward(request)
                if isinstance(answer, ShortBody):
                    body = body[: int(len(body) * answer.fraction)]
                self.send_response(status)
                for name, value in headers:
                    if name.lower() in _HOP_BY_HOP:
                        continue
                    if name.lower() == "content-length" and self.command != "HEAD":
                        continue
                    self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        return Handler
