"""Mason's embedded default client ``local``: the file system for storage, a
SQLite catalog for the metastore, DuckDB for execution, an in-process scheduler."""

__version__ = "0.2.0"
