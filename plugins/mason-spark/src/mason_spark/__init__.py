"""Mason's ``spark`` client: the execution engine on Spark, from ``local[N]`` in
the mason process to a standalone cluster or the Kubernetes spark operator."""

__version__ = "0.2.0"
