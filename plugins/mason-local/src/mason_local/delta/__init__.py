"""Delta Lake tables on the local client, through delta-rs (``deltalake``).

A Delta table is a folder with a ``_delta_log``; the local catalog registers
it like any table (``format: delta``, its folder as location) and every read
describes it from its log, so the catalog never goes stale. :mod:`.tables`
opens and describes tables, plans scans and binds them into DuckDB queries;
:mod:`.writes` commits rows and runs maintenance (vacuum, optimize, clean).
deltalake is imported inside functions only.
"""
