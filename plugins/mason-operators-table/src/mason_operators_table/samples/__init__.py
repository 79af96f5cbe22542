"""Small sample datasets bundled for the quickstart and demos.

``sales`` is CSV hive-partitioned by ``region`` (``sales/region=eu/part-0.csv``);
``customers`` is parquet. Both are written by ``scripts/gen_samples.py``.

    from mason_operators_table import samples
    mason.run("table", "infer", storage_path=str(samples.path()), database_name="demo")
"""

from __future__ import annotations

from pathlib import Path

from mason import MasonUsageError

#: the bundled datasets; each is a folder that ``table infer`` reads as one table.
DATASETS = ("sales", "customers")

_ROOT = Path(__file__).resolve().parent


def path(dataset: str = "sales") -> Path:
    """The folder of one sample dataset (``sales`` unless told otherwise)."""
    if dataset not in DATASETS:
        raise MasonUsageError(
            f"unknown sample dataset '{dataset}' (available: {', '.join(DATASETS)})"
        )
    return _ROOT / dataset
