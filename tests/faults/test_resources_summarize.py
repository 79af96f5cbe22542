"""``table summarize`` of a wide table computes its statistics a batch of
columns at a time (issue 19, item 6): every column's figures are those DuckDB
gives for that column alone, across batch boundaries and types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mason_local.jobs import summarize

import mason


def _wide_rows() -> list[dict[str, Any]]:
    rows = []
    for r in range(9):
        row: dict[str, Any] = {}
        for i in range(8):
            row[f"int_{i}"] = None if r == i else (r * (i + 1)) % 4  # ties, one null each
            row[f"text_{i}"] = f"v{(r + i) % 3}"
            row[f"real_{i}"] = float(r % (i + 2)) / 2
        row["day"] = date(2026, 1, 1 + r % 2)
        row["price"] = Decimal(f"{r % 3}.25")
        row["flag"] = r % 3 == 0
        row["tags"] = [f"t{r}"]  # nested: counted, never ranked
        rows.append(row)
    return rows


def _independent(path: Path, column: str, limit: int) -> dict[str, Any]:
    """The column's figures from DuckDB, one column per statement."""
    import duckdb

    con = duckdb.connect()
    c = f'"{column}"'
    src = f"read_parquet('{path}')"
    count, low, high = con.execute(f"SELECT count({c}), min({c}), max({c}) FROM {src}").fetchone()
    top = con.execute(
        f"SELECT {c}, count(*) AS n FROM {src} WHERE {c} IS NOT NULL "
        f"GROUP BY {c} ORDER BY n DESC, {c} LIMIT {limit}"
    ).fetchall()
    con.close()
    return {"count": count, "min": low, "max": high, "top": top}


def test_summarize_in_batches_matches_each_column_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # batches of 5 columns over 28 columns of six types: every batch boundary
    # and every type group is crossed
    monkeypatch.setattr(summarize, "BATCH_COLUMNS", 5)
    rows = _wide_rows()
    path = tmp_path / "wide" / "w.parquet"
    path.parent.mkdir()
    pq.write_table(pa.Table.from_pylist(rows), path)
    inferred = mason.run(
        "table", "infer", storage_path=str(path.parent), database_name="d", table_name="w"
    )
    assert inferred.ok, inferred.errors

    response = mason.run("table", "summarize", database_name="d", table_name="w", top_values=2)
    assert response.ok, response.errors
    summary = response.data[0]
    assert summary.row_count == len(rows)
    assert [c.name for c in summary.columns] == list(rows[0])
    for column in summary.columns:
        expected = _independent(path, column.name, 2)
        assert column.count == expected["count"], column.name
        assert column.nulls == len(rows) - expected["count"], column.name
        if column.name == "tags":
            assert column.top_values == [] and column.min is None
            continue
        got_top = [(v.value, v.count) for v in column.top_values]
        want_top = [(mason_value(v), n) for v, n in expected["top"]]
        assert got_top == want_top, column.name
        assert (column.min, column.max) == (
            mason_value(expected["min"]),
            mason_value(expected["max"]),
        ), column.name


def mason_value(value: Any) -> Any:
    """A DuckDB value as a summary shows it (JSON-safe)."""
    from mason_local.jobs.results import json_safe

    return json_safe(value)
