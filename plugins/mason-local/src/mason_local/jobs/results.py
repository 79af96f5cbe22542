"""Job results: columns and a JSON-safe preview from an arrow stream (or, for
a small result of plain column types, from DuckDB's own rows, without
pyarrow), and writing a query's result to an output path through staging."""

from __future__ import annotations

import base64
import math
import re
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.models import Column, OutputFormat
from mason_local.jobs.sql import literal, strip_statement
from mason_local.staging import Replaceable, staged_output

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

#: rows per arrow batch when streaming a result to count it.
BATCH_ROWS = 64 * 1024

#: rows a result may have to be read as Python tuples; a larger one is read
#: through arrow (converting 10,000 rows costs less than importing pyarrow).
SMALL_RESULT_ROWS = 10_000
#: DuckDB column types whose Python values DuckDB's rows and pyarrow's
#: ``to_pylist`` give alike, with the arrow type DuckDB exports them as (what a
#: job's columns say). A result of any other type is read through arrow.
PLAIN_TYPES: dict[str, str] = {
    "TINYINT": "int8",
    "SMALLINT": "int16",
    "INTEGER": "int32",
    "BIGINT": "int64",
    "UTINYINT": "uint8",
    "USMALLINT": "uint16",
    "UINTEGER": "uint32",
    "UBIGINT": "uint64",
    "FLOAT": "float",
    "DOUBLE": "double",
    "BOOLEAN": "bool",
    "VARCHAR": "string",
    "BLOB": "binary",
    "DATE": "date32[day]",
    "TIME": "time64[us]",
    "TIMESTAMP": "timestamp[us]",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")

#: output format -> the file name endings that name a single output file (the
#: first is the one written parts get).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv",),
    "json": (".json", ".jsonl", ".ndjson"),
}
#: output format -> DuckDB ``COPY`` options that write it.
COPY_OPTIONS: dict[str, str] = {
    "parquet": "FORMAT parquet",
    "csv": "FORMAT csv, HEADER true",
    "json": "FORMAT json",
}
#: output format -> the DuckDB table function that reads it back.
READERS: dict[str, str] = {"parquet": "read_parquet", "csv": "read_csv", "json": "read_json"}


def json_safe(value: Any) -> Any:
    """``value`` as something ``json.dumps`` writes faithfully."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return str(value)


def columns_of(schema: pa.Schema) -> list[Column]:
    return [Column(name=f.name, type=str(f.type), nullable=f.nullable) for f in schema]


def rows_of(table: pa.Table | pa.RecordBatch) -> list[dict[str, Any]]:
    return [{k: json_safe(v) for k, v in row.items()} for row in table.to_pylist()]


def arrow_reader(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    """A streaming reader over ``relation`` (DuckDB renamed the method in 1.4)."""
    method = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
    reader: pa.RecordBatchReader = method(BATCH_ROWS)
    return reader


def stream_result(
    reader: pa.RecordBatchReader, preview_rows: int
) -> tuple[list[Column], list[dict[str, Any]], int]:
    """Columns, the first ``preview_rows`` rows and the row count, holding one
    batch in memory at a time."""
    preview: list[dict[str, Any]] = []
    count = 0
    for batch in reader:
        if len(preview) < preview_rows:
            preview.extend(rows_of(batch.slice(0, preview_rows - len(preview))))
        count += batch.num_rows
    return columns_of(reader.schema), preview, count


def plain_arrow_type(duckdb_type: str) -> str | None:
    """The arrow type DuckDB exports a column of ``duckdb_type`` as, when its
    values need no arrow to read alike (:data:`PLAIN_TYPES`, decimals); else ``None``."""
    decimal = _DECIMAL.fullmatch(duckdb_type)
    if decimal:
        return f"decimal128({decimal[1]}, {decimal[2]})"
    return PLAIN_TYPES.get(duckdb_type)


def query_result(
    con: duckdb.DuckDBPyConnection, query: str, preview_rows: int
) -> tuple[list[Column], list[dict[str, Any]], int] | None:
    """Run ``query`` on ``con``: its columns, first ``preview_rows`` rows and
    row count, or ``None`` for statements without a result.

    A single SELECT whose columns are all of plain types (:func:`plain_arrow_type`,
    known from binding it) runs through ``execute``, and a small result is read
    as DuckDB's rows (:func:`small_result`), without pyarrow. Anything else
    (other types, several statements, DDL) runs as a relation read through
    arrow, one batch at a time; so does a plain SELECT that turned out larger,
    run again, since DuckDB hands the rest of a DB-API result to arrow only by
    copying all of it."""
    import duckdb

    relation = con.sql(query)
    if relation is None:
        return None
    statements = con.extract_statements(query)
    plain = all(plain_arrow_type(str(t)) for t in relation.types)
    if plain and len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT:
        con.execute(query)
        small = small_result(con, preview_rows)
        if small is not None:
            return small
        abort = getattr(con, "abort", None)  # DuckDB 2: drop the pending result
        if abort is not None:
            abort()
    return stream_result(arrow_reader(relation), preview_rows)


def small_result(
    con: duckdb.DuckDBPyConnection, preview_rows: int
) -> tuple[list[Column], list[dict[str, Any]], int] | None:
    """Columns, the first ``preview_rows`` rows and the row count of the result
    pending on ``con`` (from ``con.execute``), as :func:`stream_result` gives
    them, when its columns are all of plain types (:func:`plain_arrow_type`) and
    it has at most :data:`SMALL_RESULT_ROWS` rows (or ``preview_rows``, if
    more); else ``None``, the result only partly read."""
    description = con.description or []
    types = [plain_arrow_type(str(d[1])) for d in description]
    if not all(types):
        return None
    wanted = max(preview_rows, SMALL_RESULT_ROWS)
    rows = con.fetchmany(wanted + 1)
    if len(rows) > wanted:
        return None
    names = [str(d[0]) for d in description]
    columns = [
        Column(name=n, type=t, nullable=True) for n, t in zip(names, types, strict=True) if t
    ]
    preview = [
        {n: json_safe(v) for n, v in zip(names, row, strict=True)} for row in rows[:preview_rows]
    ]
    return columns, preview, len(rows)


def output_file_name(target: Path, fmt: OutputFormat) -> str | None:
    """``None`` when ``target`` names a folder (no extension of ``fmt``): the
    result then goes to ``part-00000`` inside it."""
    return target.name if target.suffix.lower() in EXTENSIONS[fmt] else None


def copy_sql(query: str, destination: Path, fmt: OutputFormat, extra_options: str = "") -> str:
    """DuckDB's ``COPY`` of ``query``'s rows to ``destination`` as ``fmt``."""
    options = COPY_OPTIONS[fmt] + (f", {extra_options}" if extra_options else "")
    return f"COPY ({strip_statement(query)}) TO {literal(str(destination))} ({options})"


def write_result(
    con: duckdb.DuckDBPyConnection,
    query: str,
    target: Path,
    fmt: OutputFormat,
    overwrite: bool,
    preview_rows: int,
    rules: Replaceable,
) -> tuple[int, list[dict[str, Any]]]:
    """Write the query's result to ``target`` (a file, or a folder of one part)
    through staging; return the row count and a preview read back from it."""
    with staged_output(target, overwrite, rules) as staging:
        if output_file_name(target, fmt) is None:
            staging.mkdir()
            written = staging / f"part-00000{EXTENSIONS[fmt][0]}"
        else:
            written = staging
        copied = con.execute(copy_sql(query, written, fmt)).fetchone()
        row_count = int(copied[0]) if copied else 0
        preview = read_back(con, written, fmt, preview_rows) if row_count else []
    return row_count, preview


def read_back(
    con: duckdb.DuckDBPyConnection, written: Path, fmt: OutputFormat, rows: int
) -> list[dict[str, Any]]:
    """The first rows of a written result, for the job's preview."""
    back = con.sql(f"SELECT * FROM {READERS[fmt]}({literal(str(written))}) LIMIT {int(rows)}")
    return rows_of(arrow_table(back))


def arrow_table(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """The relation's rows as an arrow table (DuckDB renamed the method in 1.4)."""
    method = getattr(relation, "to_arrow_table", None) or relation.arrow
    table: pa.Table = method()
    return table
