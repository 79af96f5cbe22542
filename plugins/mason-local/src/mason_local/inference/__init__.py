"""Table inference from local files: parquet footers, sampled CSV and JSON
lines, hive-style partitions, and reconciling many files into one schema.

Everything here imports pyarrow inside functions, so importing the package
stays light."""

from mason_local.inference.infer import infer_location

__all__ = ["infer_location"]
