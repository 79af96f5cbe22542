"""The ``s3`` client: storage over objects, and the original Mason's S3
metastore where a bucket is a database and a prefix is a table."""
