"""Summarize jobs: per-column statistics of a catalog table.

One scan per batch of columns computes each column's count, nulls,
approximate distinct count (HyperLogLog, hence ``distinct_approximate``), min
and max, and mean and sample standard deviation for numbers; a grouped scan
per batch of columns of one type then finds their most frequent values. A
table of 10,000 columns takes twenty statements each, not one statement of
60,000 aggregates and 10,000 grouped scans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason.sdk.models import ColumnSummary, SummarizeJob, TableSummary, ValueCount
from mason_local.jobs.results import arrow_table, columns_of, json_safe
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sql import ident, query_error
from mason_local.jobs.tables import scan_sql

if TYPE_CHECKING:
    import duckdb

_NUMERIC = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)
#: nested types: no ordering (min, max, top values) and no hashing guarantee.
_NESTED = ("STRUCT", "MAP", "UNION")


def is_numeric(duckdb_type: str) -> bool:
    return duckdb_type.split("(", 1)[0] in _NUMERIC


def is_nested(duckdb_type: str) -> bool:
    return duckdb_type.endswith("]") or duckdb_type.split("(", 1)[0] in _NESTED


#: aggregates per column: count, distinct, min, max, mean, stddev.
_WIDTH = 6


def _aggregates(name: str, kind: str) -> list[str]:
    column = ident(name)
    out = [f"count({column})"]
    if is_nested(kind):
        return [*out, "NULL", "NULL", "NULL", "NULL", "NULL"]
    out += [f"approx_count_distinct({column})", f"min({column})", f"max({column})"]
    if is_numeric(kind):
        out += [f"avg({column})::DOUBLE", f"stddev_samp({column})::DOUBLE"]
    else:
        out += ["NULL", "NULL"]
    return out


#: columns per statement: a wide table's aggregates (six per column) and most
#: frequent values are computed a batch at a time, not in one statement of
#: 60,000 aggregates or in one statement per column.
BATCH_COLUMNS = 500


def run_summarize(job: SummarizeJob, run: JobRun) -> JobOutcome:
    table = job.table
    name = f"{table.database}.{table.name}"
    con = run.duckdb()
    try:
        # statements read the table function directly: binding ``SELECT *`` of
        # a wide table again for every statement costs more than its scan
        scan = scan_sql(con, table, run.config, run.warning)
        relation = _bound(con, f"SELECT * FROM {scan}", f"cannot read table {name}")
        kinds = [(str(c), str(t)) for c, t in zip(relation.columns, relation.types, strict=True)]
        arrow_types = {c.name: c.type for c in columns_of(arrow_table(relation.limit(0)).schema)}
        total, stats = _statistics(con, scan, kinds, name)
        top = _top_values(con, scan, kinds, job.top_values)
        summaries = []
        for column, kind in kinds:
            count, distinct, low, high, mean, stddev = stats[column]
            summaries.append(
                ColumnSummary(
                    name=column,
                    type=arrow_types.get(column, kind.lower()),
                    count=int(count),
                    nulls=total - int(count),
                    distinct=None if distinct is None else int(distinct),
                    distinct_approximate=distinct is not None,
                    min=json_safe(low),
                    max=json_safe(high),
                    mean=mean,
                    stddev=stddev,
                    top_values=top.get(column, []),
                )
            )
    finally:
        con.close()
    summary = TableSummary(
        table=table.name, database=table.database, row_count=total, columns=summaries
    )
    return JobOutcome(
        row_count=total,
        metrics={"columns": len(summaries)},
        summary=summary,
    )


def _bound(con: duckdb.DuckDBPyConnection, query: str, what: str) -> duckdb.DuckDBPyRelation:
    import duckdb

    try:
        return con.sql(query)
    except duckdb.Error as exc:
        raise query_error(exc, what) from exc


def _batches(items: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    return [items[i : i + BATCH_COLUMNS] for i in range(0, len(items), BATCH_COLUMNS)]


def _statistics(
    con: duckdb.DuckDBPyConnection, scan: str, kinds: list[tuple[str, str]], name: str
) -> tuple[int, dict[str, tuple[Any, ...]]]:
    """The row count, and each column's six aggregates, a batch of columns per scan."""
    import duckdb

    total = 0
    stats: dict[str, tuple[Any, ...]] = {}
    for batch in _batches(kinds) or [[]]:
        selects = ["count(*)"] + [a for n, k in batch for a in _aggregates(n, k)]
        try:
            row = con.execute(f"SELECT {', '.join(selects)} FROM {scan}").fetchone()
        except duckdb.Error as exc:
            raise query_error(exc, f"cannot summarize {name}") from exc
        assert row is not None  # an aggregate always returns one row
        total = int(row[0])
        for i, (column, _) in enumerate(batch):
            stats[column] = tuple(row[1 + i * _WIDTH : 1 + (i + 1) * _WIDTH])
    return total, stats


def _top_values(
    con: duckdb.DuckDBPyConnection, scan: str, kinds: list[tuple[str, str]], limit: int
) -> dict[str, list[ValueCount]]:
    """Each column's ``limit`` most frequent non-null values, ties broken by
    value: one grouped scan per batch of columns of one type, unpivoted so
    every column keeps its values' type."""
    import duckdb

    if limit <= 0:
        return {}
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for column, kind in kinds:
        if not is_nested(kind):
            by_kind.setdefault(kind, []).append((column, kind))
    out: dict[str, list[ValueCount]] = {}
    for group in by_kind.values():
        for batch in _batches(group):
            columns = ", ".join(ident(c) for c, _ in batch)
            query = (
                "SELECT mason_column, mason_value, n FROM ("
                " SELECT mason_column, mason_value, count(*) AS n, row_number() OVER"
                " (PARTITION BY mason_column ORDER BY count(*) DESC, mason_value) AS r"
                f" FROM (UNPIVOT (SELECT {columns} FROM {scan}) ON {columns}"
                " INTO NAME mason_column VALUE mason_value)"
                " GROUP BY mason_column, mason_value"
                f") WHERE r <= {int(limit)} ORDER BY mason_column, r"
            )
            try:
                rows = con.execute(query).fetchall()
            except duckdb.Error as exc:
                what = f"cannot find the most frequent values of {batch[0][0]}"
                raise query_error(exc, what) from exc
            for column, value, n in rows:
                out.setdefault(str(column), []).append(
                    ValueCount(value=json_safe(value), count=int(n))
                )
    return out
