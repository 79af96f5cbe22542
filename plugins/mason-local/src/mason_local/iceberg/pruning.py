"""The part of a query's ``WHERE`` an Iceberg scan can prune files by.

DuckDB parses the query (``json_serialize_sql``: no SQL parser of Mason's
own). When the query is one ``SELECT`` reading one catalog table once (no
join, subquery reading a table, CTE, table function, set operation, sample
or column renaming), the comparisons its top-level ``WHERE`` AND-s together
between a plain column of that table and a literal become a pyiceberg
expression: ``=``, ``<``, ``<=``, ``>``, ``>=``, ``IN``, ``BETWEEN``,
``IS NULL``, ``IS NOT NULL``. Given to the scan as its ``row_filter``, it lets
pyiceberg skip manifests and data files whose partition values and column
statistics say no row can match.

DuckDB still applies the whole ``WHERE`` to the rows read, so pruning must
only ever drop files that cannot match. Anything whose meaning could differ
between DuckDB and Iceberg is left out, never guessed: a conjunct that is an
``OR``, a ``NOT``, a function or cast of a column, a quoted, qualified or
case-differing column name, a ``NULL`` literal, a literal whose type is not
the column's own (an integer for ``int``/``long`` columns within their
range, a string for ``string``, ``true``/``false`` for ``boolean``,
``DATE 'YYYY-MM-DD'`` for ``date``, ``TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.f]'``
for ``timestamp`` without a zone; float, decimal, time and time-zoned
timestamp columns are not pruned by), or a column
whose field id differs between the snapshot read and the table's current
schema. Leaving a conjunct out only prunes less.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = ["Comparison", "QueryFilter", "query_filter", "row_filter"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"-?[0-9]{1,20}")
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}
_COMPARISONS = {
    "COMPARE_EQUAL": "=",
    "COMPARE_LESSTHAN": "<",
    "COMPARE_LESSTHANOREQUALTO": "<=",
    "COMPARE_GREATERTHAN": ">",
    "COMPARE_GREATERTHANOREQUALTO": ">=",
}
#: the range of each pyiceberg integer type a literal must fall in
_RANGES = {"IntegerType": (-(2**31), 2**31 - 1), "LongType": (-(2**63), 2**63 - 1)}

Value = int | str | bool | date | datetime


@dataclass(frozen=True)
class Comparison:
    """``column op values``: op one of ``= < <= > >= in is_null not_null``."""

    column: str
    op: str
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class QueryFilter:
    """The one table a query reads, and the comparisons its WHERE AND-s."""

    #: the schema the query names the table in ("" when unqualified)
    schema: str
    table: str
    comparisons: tuple[Comparison, ...]

    def reads(self, database: str, name: str, default_database: str) -> bool:
        """Whether the table read is ``database.name`` (an unqualified name is
        in ``default_database``, the job's current schema; DuckDB compares
        names case-insensitively)."""
        schema = self.schema or default_database
        return self.table.lower() == name.lower() and schema.lower() == database.lower()


def query_filter(con: duckdb.DuckDBPyConnection, query: str) -> QueryFilter | None:
    """What ``query`` filters its one table by, or ``None`` when it reads
    other than one table once or DuckDB cannot serialize it."""
    import duckdb

    try:
        rows = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchall()
        tree = json.loads(rows[0][0])
    except (duckdb.Error, ValueError, IndexError, TypeError, RecursionError):
        return None  # a query nested past json's depth is not pruned, never failed
    if not isinstance(tree, dict) or tree.get("error") or len(tree.get("statements") or []) != 1:
        return None
    node = tree["statements"][0].get("node")
    if not isinstance(node, dict) or node.get("type") != "SELECT_NODE":
        return None
    source = node.get("from_table")
    if not isinstance(source, dict) or source.get("type") != "BASE_TABLE":
        return None
    if (
        source.get("sample") is not None
        or source.get("at_clause") is not None
        or source.get("column_name_alias")
        or source.get("catalog_name")
        or node.get("sample") is not None
    ):
        return None
    if not _reads_one_table_once(tree):
        return None
    shadowed = {
        str(item.get("alias", "")).lower()
        for item in node.get("select_list") or []
        if isinstance(item, dict) and item.get("alias")
    }
    encoded = query.encode("utf-8", "surrogatepass")
    comparisons: list[Comparison] = []
    for conjunct in _conjuncts(node.get("where_clause")):
        found = _comparisons(conjunct, encoded)
        comparisons.extend(c for c in found if c.column.lower() not in shadowed)
    return QueryFilter(
        schema=str(source.get("schema_name") or ""),
        table=str(source.get("table_name") or ""),
        comparisons=tuple(comparisons),
    )


def _reads_one_table_once(tree: Any) -> bool:
    """One base-table reference in the whole statement, no table function
    (which could read a table by name), no CTE (which could shadow one)."""
    tables = 0
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            kind = item.get("type")
            if kind == "BASE_TABLE":
                tables += 1
            elif kind in ("TABLE_FUNCTION", "SHOW_REF", "PIVOT", "DELIM_GET", "COLUMN_DATA"):
                return False
            cte = item.get("cte_map")
            if isinstance(cte, dict) and cte.get("map"):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return tables == 1


def _conjuncts(where: Any) -> list[dict[str, Any]]:
    """The expressions a WHERE AND-s together (nested ANDs flattened)."""
    out: list[dict[str, Any]] = []
    stack = [where]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        if item.get("class") == "CONJUNCTION" and item.get("type") == "CONJUNCTION_AND":
            stack.extend(reversed(item.get("children") or []))
        else:
            out.append(item)
    return out


def _comparisons(expr: dict[str, Any], query: bytes) -> list[Comparison]:
    """The comparisons ``expr`` is, or none when it is anything else."""
    kind = expr.get("type")
    if kind in _COMPARISONS and expr.get("class") == "COMPARISON":
        left, right = expr.get("left"), expr.get("right")
        op = _COMPARISONS[str(kind)]
        column, value = _column(left, query), _literal(right)
        if column is None or value is None:
            column, value, op = _column(right, query), _literal(left), _FLIPPED[op]
        if column is None or value is None:
            return []
        return [Comparison(column, op, (value,))]
    if kind == "COMPARE_IN":
        children = expr.get("children") or []
        column = _column(children[0], query) if children else None
        values = [_literal(c) for c in children[1:]]
        if column is None or not values or any(v is None for v in values):
            return []
        return [Comparison(column, "in", tuple(v for v in values if v is not None))]
    if kind == "COMPARE_BETWEEN":
        column = _column(expr.get("input"), query)
        low, high = _literal(expr.get("lower")), _literal(expr.get("upper"))
        if column is None or low is None or high is None:
            return []
        return [Comparison(column, ">=", (low,)), Comparison(column, "<=", (high,))]
    if kind in ("OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL"):
        children = expr.get("children") or []
        column = _column(children[0], query) if len(children) == 1 else None
        if column is None:
            return []
        return [Comparison(column, "is_null" if kind == "OPERATOR_IS_NULL" else "not_null")]
    return []


def _column(expr: Any, query: bytes) -> str | None:
    """The column ``expr`` names when it is a bare, unquoted column name
    written exactly so in the query (so ``"id"``, ``e.id`` and ``ID`` for
    ``id`` are not taken); else ``None``."""
    if not isinstance(expr, dict) or expr.get("class") != "COLUMN_REF":
        return None
    names = expr.get("column_names")
    if not isinstance(names, list) or len(names) != 1 or not isinstance(names[0], str):
        return None
    name = names[0]
    start, length = expr.get("query_location"), expr.get("query_location_length")
    if not isinstance(start, int) or not isinstance(length, int):
        return None
    if not _PLAIN_NAME.fullmatch(name) or query[start : start + length] != name.encode():
        return None
    return name


def _literal(expr: Any) -> Value | None:
    """The value of a plain literal: an integer, a string, a boolean, or a
    ``DATE 'YYYY-MM-DD'`` / ``TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'`` (a
    date, a naive datetime); ``None`` for anything else (NULL, decimals,
    other casts and spellings, expressions)."""
    if isinstance(expr, dict) and expr.get("class") == "CAST":
        return _moment(expr)
    if not isinstance(expr, dict) or expr.get("class") != "CONSTANT":
        return None
    literal = expr.get("literal")
    if not isinstance(literal, dict):
        return None
    kind, text = literal.get("kind"), literal.get("text")
    if not isinstance(text, str):
        return None
    if kind == "INTEGER" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "STRING":
        return text
    if kind == "BOOLEAN" and text in ("true", "false"):
        return text == "true"
    return None


def _moment(cast: dict[str, Any]) -> date | datetime | None:
    """A date or naive timestamp a ``DATE '...'`` or ``TIMESTAMP '...'`` cast
    of a string literal names, when the string is in the one strict form
    both DuckDB and Python read alike."""
    kind = cast.get("type_expr")
    child = cast.get("child")
    if cast.get("try_cast") or not isinstance(kind, dict) or kind.get("children"):
        return None
    name = str(kind.get("type_name", "")).upper()
    text = _literal(child)
    if not isinstance(text, str) or not isinstance(child, dict) or child.get("class") != "CONSTANT":
        return None
    try:
        if name == "DATE" and _DATE.fullmatch(text):
            return date.fromisoformat(text)
        if name == "TIMESTAMP" and _TIMESTAMP.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:
        return None
    return None


def row_filter(found: QueryFilter | None, projection: Any, current: Any) -> Any:
    """The pyiceberg expression pruning a scan of the table ``found`` reads
    (:meth:`QueryFilter.reads`), read with the schema ``projection``
    (``current`` is the table's current schema, which pyiceberg binds the
    filter to), or ``None`` when nothing it filters by is usable."""
    from pyiceberg.expressions import (
        And,
        EqualTo,
        GreaterThan,
        GreaterThanOrEqual,
        In,
        IsNull,
        LessThan,
        LessThanOrEqual,
        NotNull,
    )
    from pyiceberg.expressions.visitors import bind

    if found is None:
        return None
    makers: dict[str, Any] = {
        "=": EqualTo,
        "<": LessThan,
        "<=": LessThanOrEqual,
        ">": GreaterThan,
        ">=": GreaterThanOrEqual,
        "in": In,
        "is_null": IsNull,
        "not_null": NotNull,
    }
    parts: list[Any] = []
    for comparison in found.comparisons:
        if not _usable(comparison, projection, current):
            continue
        make = makers[comparison.op]
        if comparison.op in ("is_null", "not_null"):
            parts.append(make(comparison.column))
        elif comparison.op == "in":
            parts.append(make(comparison.column, set(comparison.values)))
        else:
            parts.append(make(comparison.column, comparison.values[0]))
    if not parts:
        return None
    condition = parts[0] if len(parts) == 1 else And(*parts)
    try:  # what pyiceberg cannot bind prunes nothing, never fails the query
        bind(current, condition, case_sensitive=True)
    except (ValueError, TypeError):
        return None
    return condition


def _usable(comparison: Comparison, projection: Any, current: Any) -> bool:
    """Whether the column is one top-level column of the same field id and
    type in the schema read and the current one, named exactly so and by no
    other column case-insensitively, and every literal is of its type."""
    from pyiceberg.types import PrimitiveType

    lowered = comparison.column.lower()
    if sum(1 for f in projection.fields if f.name.lower() == lowered) != 1:
        return False
    if sum(1 for f in current.fields if f.name.lower() == lowered) != 1:
        return False
    read = next((f for f in projection.fields if f.name == comparison.column), None)
    now = next((f for f in current.fields if f.name == comparison.column), None)
    if read is None or now is None or read.field_id != now.field_id:
        return False
    kind = type(read.field_type).__name__
    if kind != type(now.field_type).__name__ or not isinstance(read.field_type, PrimitiveType):
        return False
    for value in comparison.values:
        if kind in _RANGES:
            low, high = _RANGES[kind]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                return False
        elif kind == "StringType":
            if not isinstance(value, str):
                return False
        elif kind == "BooleanType":
            if not isinstance(value, bool) or comparison.op not in ("=", "in"):
                return False
        elif kind == "DateType":
            if not isinstance(value, date) or isinstance(value, datetime):
                return False
        elif kind == "TimestampType":  # without a zone, as DuckDB's TIMESTAMP
            if not isinstance(value, datetime) or value.tzinfo is not None:
                return False
        else:
            return False
    return True
