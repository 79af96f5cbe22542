"""The ``athena`` client: SQL over S3 as execution, its catalog as metastore."""
