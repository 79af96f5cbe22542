"""The ``mason`` command line (Typer). Heavy libraries are never imported here."""
