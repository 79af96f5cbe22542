"""Summarize jobs: per-column statistics of a catalog table.

One scan computes every column's count, nulls, approximate distinct count
(HyperLogLog, hence ``distinct_approximate``), min and max, and mean and
sample standard deviation for numbers; a grouped scan per column then finds
its most frequent values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason.sdk.models import ColumnSummary, SummarizeJob, TableSummary, ValueCount
from mason_local.jobs.datasets import source_columns
from mason_local.jobs.results import json_safe
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sources import describe
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


def run_summarize(job: SummarizeJob, run: JobRun) -> JobOutcome:
    import duckdb

    table = job.table
    name = f"{table.database}.{table.name}"
    con = run.duckdb()
    try:
        source = f"SELECT * FROM {scan_sql(table, run.config, run.warning)}"
        kinds = describe(con, source, f"table {name}")
        arrow_types = {c.name: c.type for c in source_columns(con, source)}
        selects = ["count(*)"] + [a for n, k in kinds for a in _aggregates(n, k)]
        try:
            row = con.execute(f"SELECT {', '.join(selects)} FROM ({source})").fetchone()
        except duckdb.Error as exc:
            raise query_error(exc, f"cannot summarize {name}") from exc
        assert row is not None  # an aggregate always returns one row
        total = int(row[0])
        summaries = []
        for i, (column, kind) in enumerate(kinds):
            count, distinct, low, high, mean, stddev = row[1 + i * _WIDTH : 1 + (i + 1) * _WIDTH]
            top = [] if is_nested(kind) else _top_values(con, source, column, job.top_values)
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
                    top_values=top,
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


def _top_values(
    con: duckdb.DuckDBPyConnection, source: str, column: str, limit: int
) -> list[ValueCount]:
    """The ``limit`` most frequent non-null values, ties broken by value."""
    import duckdb

    if limit <= 0:
        return []
    c = ident(column)
    try:
        rows = con.execute(
            f"SELECT {c}, count(*) AS n FROM ({source}) WHERE {c} IS NOT NULL "
            f"GROUP BY {c} ORDER BY n DESC, {c} LIMIT {int(limit)}"
        ).fetchall()
    except duckdb.Error as exc:
        raise query_error(exc, f"cannot find the most frequent values of {column}") from exc
    return [ValueCount(value=json_safe(value), count=int(n)) for value, n in rows]
