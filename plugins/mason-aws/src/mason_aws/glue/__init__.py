"""The ``glue`` client: the Data Catalog as metastore, crawlers as scheduler."""
