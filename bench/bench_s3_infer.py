"""``table infer`` over 5,000 parquet objects in moto's S3: concurrent vs serial.

Starts moto's server on 127.0.0.1 in its own process (nothing leaves the
machine), writes 5,000 small hive-partitioned parquet objects, then infers the
table through the s3 client's storage engine one object at a time
(``infer_workers=1``) and concurrently, and prints both times and the ratio;
both runs must agree on the table.

It does so twice: as moto answers on loopback, where a request costs only the
server's CPU (two cores shared by client and server bound the gain), and with
a fixed delay added to every request to stand in for S3's network round trip,
which is what concurrent footer reads exist to hide.
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

OBJECTS = int(os.environ.get("MASON_BENCH_OBJECTS", "5000"))
BUCKET = "mason-bench"
#: added to every request in the second round, standing in for S3's round trip.
LATENCY_MS = float(os.environ.get("MASON_BENCH_S3_LATENCY_MS", "5"))

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
    if delays["on"]:
        time.sleep(delay)
    return app(environ, start_response)

run_simple("127.0.0.1", port, delayed, threaded=True)
"""


def _start_server(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(port), str(LATENCY_MS)],
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


def main() -> int:
    import boto3
    import pyarrow as pa
    import pyarrow.parquet as pq
    from mason_aws.config import S3ClientConfig
    from mason_aws.s3.storage import S3Storage

    from mason_core.engines import EngineContext

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench-secret",
            "AWS_ENDPOINT_URL": url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }
    )
    server = _start_server(port)
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

        home = Path(tempfile.mkdtemp(prefix="mason-bench-"))
        for round_label in ("loopback", f"+{LATENCY_MS:g} ms per request"):
            if round_label != "loopback":
                urllib.request.urlopen(f"{url}/__bench_latency/on").close()
            results = {}
            for label, workers in (("one at a time", 1), ("concurrent", 32)):
                config = S3ClientConfig(infer_workers=workers)
                storage = S3Storage(config, EngineContext(client="s3", home=home))
                started = time.perf_counter()
                inferred = storage.infer_table(f"s3://{BUCKET}/sales/", "bench")
                elapsed = time.perf_counter() - started
                results[label] = (elapsed, inferred.table)
                print(
                    f"{round_label:>22} {label:>14}: {elapsed:6.2f}s "
                    f"({inferred.table.file_count} objects)"
                )
            (serial, t1), (concurrent, t2) = results["one at a time"], results["concurrent"]
            if t1 != t2 or t1.file_count != OBJECTS:
                print("the two runs disagree on the table", file=sys.stderr)
                return 1
            print(f"{round_label:>22} concurrent vs one at a time: {serial / concurrent:.1f}x")
        return 0
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
