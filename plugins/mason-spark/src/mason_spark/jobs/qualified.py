"""Database-qualified table names in Spark SQL, mapped onto temporary views.

A query job's tables are read into DataFrames (the catalog's files, unified as
on every other job) and registered as temporary views. Spark's temporary views
have one-part names, and a permanent view or table in a Spark database cannot
be defined over a DataFrame, so ``shop.sales`` cannot name one directly. On
the local DuckDB engine the database is a schema, and both ``FROM sales`` and
``FROM shop.sales`` work; to give Spark the same SQL, this module rewrites every
reference ``database.table`` (each part plain or back-quoted, in any case)
whose pair names one of the job's tables into that table's view name.

The rewrite works on tokens, not text: string literals, comments and
back-quoted identifiers are skipped whole, and only a name at the start of a
dotted chain is taken as a database, so ``t.shop.sales`` or ``1.5`` never
match. ``shop.sales.amount`` (a column qualified by database and table)
becomes ``sales.amount``, which Spark resolves the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mason.sdk.models import Table

_WORD = re.compile(r"[A-Za-z0-9_]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "dot" or "other"
    start: int
    end: int
    #: a name's value: unquoted, back-quote escapes undone, lower case.
    value: str = ""


def quote(name: str) -> str:
    """``name`` as a back-quoted Spark identifier."""
    return "`" + name.replace("`", "``") + "`"


def view_names(tables: Iterable[Table], database: str) -> dict[tuple[str, str], str]:
    """(database, table), lower case, -> the temporary view of that table.

    A table of the job's own database is viewed under its table name, so an
    unqualified ``FROM sales`` finds it; a table of another database gets a
    name only its qualified form reaches.
    """
    views: dict[tuple[str, str], str] = {}
    default = database.lower()
    for table in tables:
        owner = (table.database or database).lower()
        name = table.name if owner == default else f"mason__{owner}__{table.name}"
        views[(owner, table.name.lower())] = name
    return views


def _skip_quoted(sql: str, i: int, quote_char: str, backslash: bool) -> int:
    """The index just past the literal or identifier opened at ``sql[i]``."""
    j = i + 1
    while j < len(sql):
        char = sql[j]
        if backslash and char == "\\":
            j += 2
            continue
        if char == quote_char:
            if quote_char == "`" and sql.startswith("``", j):
                j += 2
                continue
            return j + 1
        j += 1
    return len(sql)


def _skip_block_comment(sql: str, i: int) -> int:
    """Past a ``/* ... */`` comment; Spark's bracketed comments nest."""
    depth, j = 0, i
    while j < len(sql):
        if sql.startswith("/*", j):
            depth, j = depth + 1, j + 2
        elif sql.startswith("*/", j):
            depth, j = depth - 1, j + 2
            if depth == 0:
                return j
        else:
            j += 1
    return len(sql)


def tokens(sql: str) -> list[_Token]:
    """Names, dots and everything else; whitespace and comments dropped."""
    out: list[_Token] = []
    i = 0
    while i < len(sql):
        char = sql[i]
        if char.isspace():
            i = _SPACE.match(sql, i).end()  # type: ignore[union-attr]
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif char in ("'", '"'):
            end = _skip_quoted(sql, i, char, backslash=True)
            out.append(_Token("other", i, end))
            i = end
        elif char == "`":
            end = _skip_quoted(sql, i, "`", backslash=False)
            value = sql[i + 1 : end - 1].replace("``", "`").lower()
            out.append(_Token("name", i, end, value))
            i = end
        elif char == ".":
            out.append(_Token("dot", i, i + 1))
            i += 1
        elif _WORD.match(char):
            end = _WORD.match(sql, i).end()  # type: ignore[union-attr]
            word = sql[i:end]
            # a number (1, 2e5 after a dot) is no name; "1.5" has no chain start
            kind = "other" if word.isdigit() else "name"
            out.append(_Token(kind, i, end, word.lower()))
            i = end
        else:
            out.append(_Token("other", i, i + 1))
            i += 1
    return out


def mentioned(tables: Iterable[Table], sql: str) -> list[Table]:
    """The tables whose names appear as a name token in ``sql`` (outside strings
    and comments): a query reads only its own tables, so a broken table
    elsewhere in the database cannot fail it. A false positive (a column named
    like a table) only binds a table the query does not need."""
    names = {token.value for token in tokens(sql) if token.kind == "name"}
    return [table for table in tables if table.name.lower() in names]


def qualify_views(sql: str, views: dict[tuple[str, str], str]) -> str:
    """``sql`` with each ``database.table`` of ``views`` replaced by its view."""
    found = tokens(sql)
    edits: list[tuple[int, int, str]] = []
    for n, token in enumerate(found):
        if token.kind != "name" or (n > 0 and found[n - 1].kind == "dot"):
            continue  # not the first name of a dotted chain
        if n + 2 >= len(found) or found[n + 1].kind != "dot" or found[n + 2].kind != "name":
            continue
        view = views.get((token.value, found[n + 2].value))
        if view is not None:
            edits.append((token.start, found[n + 2].end, quote(view)))
    for start, end, text in reversed(edits):
        sql = sql[:start] + text + sql[end:]
    return sql
