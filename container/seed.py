"""Seeds compose.yaml's moto with a sample bucket: Mason's bundled ``sales`` sample
(CSV files, hive-partitioned by region) under s3://$SEED_BUCKET/sales/.

Run once by the ``seed`` service, in Mason's image (boto3 and the sample are there).
Waits for moto to answer, then uploads; running it again overwrites the same keys.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from pathlib import Path

from mason_operators_table import samples


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                sys.exit(f"seed: {url} did not answer within {seconds:.0f} s ({exc})")
            time.sleep(0.5)


def main() -> None:
    import boto3

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    bucket = os.environ.get("SEED_BUCKET", "mason-sample")
    wait_for(f"{endpoint}/moto-api/", 120)
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=bucket)
    sales = Path(samples.path("sales"))
    files = sorted(p for p in sales.rglob("*.csv"))
    for file in files:
        s3.upload_file(str(file), bucket, f"sales/{file.relative_to(sales).as_posix()}")
    print(f"seed: uploaded {len(files)} files to s3://{bucket}/sales/", file=sys.stderr)


if __name__ == "__main__":
    main()
