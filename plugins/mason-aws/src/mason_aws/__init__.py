"""Mason's AWS clients: ``s3`` (storage, metastore), ``glue`` (metastore,
scheduler) and ``athena`` (metastore, execution).

Importing this package is light: boto3, s3fs and pyarrow load inside the
functions that talk to AWS, so listing operators or validating a
configuration never pays for them."""

__version__ = "0.2.0"
