"""Write the bundled sample datasets of ``mason_operators_table.samples``.

Deterministic (a fixed seed, no clock), so regenerating changes nothing unless
this script changes; a test checks the committed files against it.

    python plugins/mason-operators-table/scripts/gen_samples.py [OUTPUT_DIR]

``sales``: orders as CSV with a header, hive-partitioned by ``region``.
``customers``: one parquet file the orders refer to by ``customer_id``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src" / "mason_operators_table" / "samples"
SEED = 20200622
CUSTOMERS = 24
#: region -> number of CSV files; eu gets two to show a partition of many files.
REGIONS = {"apac": 1, "eu": 2, "us": 1}
ROWS_PER_FILE = 30
PRODUCTS = {"anvil": 49.5, "bolt": 0.25, "crate": 12.0, "drill": 89.99, "easel": 35.0}
FIRST_NAMES = ["Ada", "Bo", "Cyd", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo", "Kai", "Liv"]
COUNTRIES = {"apac": ["JP", "AU", "SG"], "eu": ["DE", "FR", "NL"], "us": ["US"]}


def sales_files(rng: random.Random) -> dict[str, str]:
    """Relative path -> CSV text of every sales file."""
    files: dict[str, str] = {}
    order_id = 1000
    start = dt.date(2024, 1, 1)
    for region, count in sorted(REGIONS.items()):
        for part in range(count):
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(
                ["order_id", "order_date", "customer_id", "product", "quantity", "unit_price"]
            )
            for _ in range(ROWS_PER_FILE):
                order_id += 1
                product = rng.choice(sorted(PRODUCTS))
                writer.writerow(
                    [
                        order_id,
                        (start + dt.timedelta(days=rng.randrange(90))).isoformat(),
                        rng.randrange(1, CUSTOMERS + 1),
                        product,
                        rng.randrange(1, 20),
                        f"{PRODUCTS[product]:.2f}",
                    ]
                )
            files[f"sales/region={region}/part-{part}.csv"] = buf.getvalue()
    return files


def customer_columns(rng: random.Random) -> dict[str, list[Any]]:
    regions = sorted(REGIONS)
    ids = list(range(1, CUSTOMERS + 1))
    home = [regions[(i - 1) % len(regions)] for i in ids]
    return {
        "customer_id": ids,
        "name": [f"{rng.choice(FIRST_NAMES)} {chr(ord('A') + i % 26)}." for i in ids],
        "country": [rng.choice(COUNTRIES[r]) for r in home],
        "signup_date": [dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in ids],
        "vip": [rng.random() < 0.25 for _ in ids],
    }


def generate(output: Path) -> list[Path]:
    """Write every sample file below ``output``; return their paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(SEED)
    written: list[Path] = []
    for relative, text in sales_files(rng).items():
        target = output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    table = pa.table(customer_columns(rng))
    target = output / "customers" / "part-0.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target, compression="snappy")
    written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    for path in generate(out):
        print(path)
