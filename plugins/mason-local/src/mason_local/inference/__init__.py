"""Table inference from local files: listing and reading them is local; what
they make up (formats, partitions, sampled schemas, one reconciled schema) is
decided by :mod:`mason.sdk.tabular`, as for every storage client.

Everything here imports pyarrow inside functions, so importing the package
stays light."""

from mason_local.inference.infer import infer_location

__all__ = ["infer_location"]
