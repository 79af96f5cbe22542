"""A loopback HTTP proxy that adds a fixed delay to every request and answers
repeated GETs from memory, so the delay costs the server no CPU.

Used by ``bench_s3_infer``: moto answers each S3 request with Python code, and
on two cores shared with the client that CPU, not the added round trip, bounds
what concurrent reads can gain. Behind this proxy, once a warm-up pass has
filled the cache, a request costs an ``asyncio.sleep`` and a socket write, so
the measured runs see S3-like latency and the client's own CPU alone.

Run as ``python _latency_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS``. Only
GET and HEAD responses are cached (keyed by method, path, query and Range); the bench's
objects do not change while it runs. Not a benchmark (no ``bench_`` prefix).
"""

from __future__ import annotations

import asyncio
import sys

_cache: dict[tuple[str, str], bytes] = {}


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, list[bytes], bytes] | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")[:-2]
    if not lines:
        return None
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return lines[0].decode("latin-1"), lines[1:], body


async def _upstream(port: int, request_line: str, headers: list[bytes], body: bytes) -> bytes:
    """moto's whole response, re-framed with an exact Content-Length."""
    method, target, _ = request_line.split(" ", 2)
    kept = [h for h in headers if h.split(b":", 1)[0].strip().lower() != b"connection"]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} {target} HTTP/1.0\r\n".encode("latin-1"))
    writer.write(b"".join(h + b"\r\n" for h in kept) + b"Connection: close\r\n\r\n" + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    skip = {b"connection", b"transfer-encoding", b"keep-alive"}
    if method != "HEAD":  # a HEAD's Content-Length is the object's, not the (empty) body's
        skip.add(b"content-length")
    out = [status.replace(b"HTTP/1.0", b"HTTP/1.1", 1)]
    out += [h for h in lines if h.split(b":", 1)[0].strip().lower() not in skip]
    if method != "HEAD":
        out.append(b"Content-Length: " + str(len(payload)).encode())
    return b"\r\n".join(out) + b"\r\n\r\n" + payload


def _serve(upstream: int, delay: float):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                request_line, headers, body = request
                method, target, _ = request_line.split(" ", 2)
                byte_range = next(
                    (h.split(b":", 1)[1].strip().decode() for h in headers
                     if h.lower().startswith(b"range:")),
                    "",
                )  # fmt: skip
                key = (f"{method} {target}", byte_range)
                response = _cache.get(key) if method in ("GET", "HEAD") else None
                if response is None:
                    response = await _upstream(upstream, request_line, headers, body)
                    if method in ("GET", "HEAD") and (
                        b" 200 " in response[:16] or b" 206 " in response[:16]
                    ):
                        _cache[key] = response
                await asyncio.sleep(delay)
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return handle


async def main(listen: int, upstream: int, delay_ms: float) -> None:
    server = await asyncio.start_server(
        _serve(upstream, delay_ms / 1000), "127.0.0.1", listen, backlog=512
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
