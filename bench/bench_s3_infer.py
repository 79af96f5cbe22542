"""``table infer`` over 5,000 parquet objects in moto's S3: concurrent vs serial.

Starts moto's server on 127.0.0.1 in its own process (nothing leaves the
machine), writes 5,000 small hive-partitioned parquet objects, then infers the
table through the s3 client's storage engine one object at a time
(``infer_workers=1``) and concurrently, and prints both times and the ratio;
both runs must agree on the table.

It does so three times:

1. as moto answers on loopback, where a request costs only the server's CPU
   (two cores shared by client and server bound the gain);
2. with a fixed delay added inside moto to every request, standing in for S3's
   round trip, which is what concurrent footer reads exist to hide; moto's own
   CPU per request still competes with the client's;
3. with the same delay added by ``_latency_proxy`` in front of moto, which
   answers repeated GETs from memory after an unmeasured warm-up pass: the
   server side costs no CPU, so the ratio shows what the client's concurrency
   achieves against a real S3, bounded only by the client's own CPU per object
   (printed beside it).

Beside the client's CPU per object the table prints the server side's (moto,
plus the proxy in the third round) during the concurrent run: where the server
spends more per request than the client, the server bounds the gain, which is
why only the third round is judged against the target.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import print_table

OBJECTS = int(os.environ.get("MASON_BENCH_OBJECTS", "5000"))
BUCKET = "mason-bench"
#: added to every request in the second round, standing in for S3's round trip.
LATENCY_MS = float(os.environ.get("MASON_BENCH_S3_LATENCY_MS", "5"))
#: issue 14's target for concurrent over one-at-a-time reads with the added delay.
TARGET = 8.0
PROXY = Path(__file__).with_name("_latency_proxy.py")

#: moto's WSGI app behind a per-request delay, served by werkzeug in a child process.
_SERVER = """
import sys, time
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

port, delay = int(sys.argv[1]), float(sys.argv[2]) / 1000
app = DomainDispatcherApplication(create_backend_app)
delays = {"on": False}

def delayed(environ, start_response):
    if environ.get("PATH_INFO") == "/__bench_latency/on":
        delays["on"] = True
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    if environ.get("PATH_INFO") == "/__bench_latency/off":
        delays["on"] = False
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    if delays["on"]:
        time.sleep(delay)
    return app(environ, start_response)

run_simple("127.0.0.1", port, delayed, threaded=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start_server(port: int, *args: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto server did not start")


def _verdict(setup: str | None, speedup: float) -> str:
    """The target applies where the added delay costs the server no CPU."""
    if setup != "warm":
        return "" if setup is None else "server-bound"
    return f">= {TARGET:g}x {'met' if speedup >= TARGET else 'MISSED'}"


def main() -> int:
    import boto3
    import psutil
    import pyarrow as pa
    import pyarrow.parquet as pq
    from mason_aws.config import S3ClientConfig
    from mason_aws.s3.storage import S3Storage

    from mason.sdk.engines import EngineContext

    port, proxy_port = _free_port(), _free_port()
    url = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench-secret",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }
    )
    server = _start_server(port, "-c", _SERVER, str(port), str(LATENCY_MS))
    proxy = _start_server(proxy_port, str(PROXY), str(proxy_port), str(port), str(LATENCY_MS))
    home = Path(tempfile.mkdtemp(prefix="mason-bench-"))
    servers = [psutil.Process(server.pid), psutil.Process(proxy.pid)]

    def server_cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in servers)

    def infer(endpoint: str, workers: int) -> tuple[float, float, float, Any]:
        """(wall s, client CPU s, server CPU s, table) of one inference of the prefix."""
        config = S3ClientConfig(infer_workers=workers, endpoint_url=endpoint)
        storage = S3Storage(config, EngineContext(client="s3", home=home))
        wall, cpu, served = time.perf_counter(), time.process_time(), server_cpu()
        inferred = storage.infer_table(f"s3://{BUCKET}/sales/", "bench")
        return (
            time.perf_counter() - wall,
            time.process_time() - cpu,
            server_cpu() - served,
            inferred.table,
        )

    try:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        sink = io.BytesIO()
        pq.write_table(pa.table({"id": [1, 2, 3], "amount": [1.5, 2.5, 3.5]}), sink)
        body = sink.getvalue()

        def put(i: int) -> None:
            s3.put_object(Bucket=BUCKET, Key=f"sales/day={i % 50}/part-{i:05d}.parquet", Body=body)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(put, range(OBJECTS)))
        print(f"wrote {OBJECTS} objects in {time.perf_counter() - started:.1f}s")

        proxy_url = f"http://127.0.0.1:{proxy_port}"
        rounds = (
            ("moto on loopback", url, None),
            (f"+{LATENCY_MS:g} ms inside moto", url, "delay"),
            (f"+{LATENCY_MS:g} ms in a caching proxy", proxy_url, "warm"),
        )
        rows = []
        for label, endpoint, setup in rounds:
            if setup == "delay":
                urllib.request.urlopen(f"{url}/__bench_latency/on").close()
            elif setup == "warm":
                urllib.request.urlopen(f"{url}/__bench_latency/off").close()
                infer(endpoint, 32)  # fills the proxy's cache; not measured
            serial, _, _, t1 = infer(endpoint, 1)
            concurrent, concurrent_cpu, served, t2 = infer(endpoint, 32)
            if t1 != t2 or t1.file_count != OBJECTS:
                print(f"{label}: the two runs disagree on the table", file=sys.stderr)
                return 1
            speedup = serial / concurrent
            rows.append(
                (
                    label,
                    serial,
                    concurrent,
                    f"{speedup:.1f}x",
                    f"{concurrent_cpu / OBJECTS * 1000:.2f}",
                    f"{served / OBJECTS * 1000:.2f}",
                    _verdict(setup, speedup),
                )
            )
        print_table(
            f"table infer over {OBJECTS} S3 objects: one at a time vs 32 concurrent readers",
            [
                "round",
                "one at a time s",
                "concurrent s",
                "speed-up",
                "client CPU ms/object",
                "server CPU ms/object",
                "target",
            ],
            rows,
        )
        return 0
    finally:
        for proc in (proxy, server):
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
