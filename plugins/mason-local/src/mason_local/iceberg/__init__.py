"""Iceberg tables on the local client: pyiceberg's SQL catalog on SQLite in
MASON_HOME, data and metadata in a warehouse folder.

:mod:`.tables` opens the catalog and describes tables as Mason's models;
:mod:`.writes` commits rows and schema changes; :mod:`.maintenance` serves
history, rollback, expire, compact and clean; :mod:`.read` binds a table into
a DuckDB query. pyiceberg is imported inside functions only, so importing
this package stays light.
"""
