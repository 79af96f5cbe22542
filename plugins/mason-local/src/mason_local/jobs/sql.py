"""Building DuckDB SQL safely: quoted identifiers and literals, and DuckDB's
errors as one line."""

from __future__ import annotations

from collections.abc import Iterable

from mason.sdk.errors import MasonRuntimeError


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def literal_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def struct_literal(pairs: dict[str, str]) -> str:
    """``{'name': 'TYPE', ...}``: the shape of ``columns`` and ``hive_types``."""
    return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in pairs.items()) + "}"


def strip_statement(query: str) -> str:
    """The query without surrounding blanks and trailing semicolons, to nest it."""
    return query.strip().rstrip(";").strip()


def one_line(message: str) -> str:
    """DuckDB's message without its caret diagram: the first paragraph, joined."""
    paragraph = message.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def query_error(exc: Exception, what: str = "query failed") -> MasonRuntimeError:
    return MasonRuntimeError(f"{what}: {one_line(str(exc))}")
