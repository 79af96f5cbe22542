"""``as_of`` on Athena: Iceberg tables read as of a snapshot or a moment.

Athena (engine version 3) reads an Iceberg table as it was with a clause after
the table's name: ``FOR VERSION AS OF <snapshot id>`` or ``FOR TIMESTAMP AS OF
TIMESTAMP '<when> UTC'``. Rather than edit the caller's SQL, the query is run
with one common table expression per Iceberg table it names, under the
table's own name, selecting the table as of then
(``WITH "events" AS (SELECT * FROM "lake"."events" FOR VERSION AS OF 42) ...``),
so the caller's ``FROM events`` reads the old snapshot. ``as_of`` is parsed
(a number or an ISO timestamp, nothing else reaches the SQL) and checked
against each table's snapshots before the query is submitted.

Athena reads Delta Lake tables registered in Glue at their current version
only (it has no Delta time travel), so ``as_of`` over a Delta table is refused.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from mason.sdk.errors import MasonUsageError
from mason.sdk.iceberg import parse_as_of
from mason.sdk.models import Table
from mason_aws.session import AwsSession

_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_WITH = re.compile(r"with(?:\s+recursive)?(?![\w$])", re.IGNORECASE)


def ident(name: str) -> str:
    """``name`` as a quoted identifier of Athena's query (Trino) dialect."""
    return '"' + name.replace('"', '""') + '"'


def clause(as_of: str) -> str:
    """Athena's time-travel clause for ``as_of`` (a snapshot id or an ISO
    timestamp; anything else is a one-line usage error)."""
    moment = parse_as_of(as_of)
    if isinstance(moment, int):
        return f"FOR VERSION AS OF {moment}"
    assert isinstance(moment, datetime)
    when = moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"FOR TIMESTAMP AS OF TIMESTAMP '{when} UTC'"


def _spelled(name: str) -> str:
    """A pattern matching ``name`` as written in SQL: bare or double-quoted."""
    return rf'(?:"{re.escape(name.replace(chr(34), chr(34) * 2))}"|{re.escape(name)})'


def _names(query: str, name: str) -> bool:
    return re.search(rf'(?<![\w$"]){_spelled(name)}(?![\w$"])', query, re.IGNORECASE) is not None


def _qualified(query: str, database: str, name: str) -> bool:
    pattern = rf'(?<![\w$"]){_spelled(database)}\s*\.\s*{_spelled(name)}(?![\w$"])'
    return re.search(pattern, query, re.IGNORECASE) is not None


def tables_read(query: str, tables: list[Table], as_of: str, database: str) -> list[Table]:
    """The Iceberg tables ``query`` reads as of ``as_of``; a query Athena cannot
    run as of then is refused in one line: ``as_of`` neither a snapshot id nor
    a timestamp, a Delta table named, no table-format table named, or a table
    named with its database (the common table expression would not stand in
    for it)."""
    clause(as_of)
    named = [t for t in tables if t.is_table_format and _names(query, t.name)]
    if not named:
        raise MasonUsageError(
            "as_of reads Iceberg tables as of a snapshot; the query reads none "
            f"({', '.join(t.name for t in tables if _names(query, t.name)) or 'no catalog table'})"
        )
    for table in named:
        owner = table.database or database
        if table.format != "iceberg":
            raise MasonUsageError(
                f"Athena reads Delta table {owner}.{table.name} at its current version only "
                "(it has no Delta time travel): query it as_of with execution_engine: local"
            )
        if _qualified(query, owner, table.name):
            raise MasonUsageError(
                f"with as_of on Athena, name table {table.name} without its database "
                f"(FROM {table.name}, not FROM {owner}.{table.name})"
            )
    return named


def check_snapshots(tables: list[Table], as_of: str, database: str, aws: AwsSession) -> None:
    """Each table has a snapshot ``as_of`` names (read from its metadata file
    through this client's S3 filesystem): a missing one is the caller's error
    (NotFoundError), found before Athena is asked."""
    from mason.sdk.iceberg import snapshot_as_of, static_table

    for table in tables:
        meta = table.format_metadata
        if meta is None or not meta.metadata_location:
            continue
        static = static_table(meta.metadata_location, aws.arrow_s3())
        snapshot_as_of(static, as_of, f"{table.database or database}.{table.name}")


def as_of_query(query: str, tables: list[Table], as_of: str, database: str) -> str:
    """``query`` with a common table expression per Iceberg table it reads,
    standing in for the table as of ``as_of``."""
    travel = clause(as_of)
    ctes = ", ".join(
        f"{ident(t.name)} AS (SELECT * FROM {ident(t.database or database)}.{ident(t.name)} "
        f"{travel})"
        for t in tables_read(query, tables, as_of, database)
    )
    start = _LEADING.match(query)
    head = start.end() if start else 0
    found = _WITH.match(query, head)
    if found is None:
        return f"WITH {ctes}\n{query}"
    return f"{query[: found.end()]} {ctes},{query[found.end() :]}"
