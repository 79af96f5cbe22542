"""``table infer`` over 5,000 parquet objects in moto's S3: concurrent vs serial.

Starts moto's server on 127.0.0.1 (nothing leaves the machine), writes 5,000
small hive-partitioned parquet objects, then infers the table twice through
the s3 client's storage engine: once reading footers one at a time
(``infer_workers=1``), once concurrently (the default). Prints both times and
their ratio; both runs must agree on the table. moto runs in this process,
so on a small machine the server's own request handling bounds the ratio;
against S3 itself, where each GET waits on the network, the gain is larger.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

OBJECTS = int(os.environ.get("MASON_BENCH_OBJECTS", "5000"))
BUCKET = "mason-bench"


def main() -> int:
    import boto3
    import pyarrow as pa
    import pyarrow.parquet as pq
    from mason_aws.config import S3ClientConfig
    from mason_aws.s3.storage import S3Storage
    from moto.server import ThreadedMotoServer

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
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
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
        results = {}
        for label, workers in (("one at a time", 1), ("concurrent", 32)):
            config = S3ClientConfig(infer_workers=workers)
            storage = S3Storage(config, EngineContext(client="s3", home=home))
            started = time.perf_counter()
            inferred = storage.infer_table(f"s3://{BUCKET}/sales/", "bench")
            elapsed = time.perf_counter() - started
            results[label] = (elapsed, inferred.table)
            print(f"{label:>14}: {elapsed:6.2f}s  ({inferred.table.file_count} objects)")
        (serial, t1), (concurrent, t2) = results["one at a time"], results["concurrent"]
        if t1 != t2 or t1.file_count != OBJECTS:
            print("the two runs disagree on the table", file=sys.stderr)
            return 1
        print(f"concurrent vs one at a time: {serial / concurrent:.1f}x faster")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
