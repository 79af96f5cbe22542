"""``table format``, ``table dedupe`` and ``table summarize`` on a registered
CSV table, checked against values computed here from the rows themselves."""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import mason

from .conftest import RecordingProgress, read_dataset

#: the rows of the ``sales`` fixture: (order_id, product, quantity, region).
SALES = [
    (1, "apple", 3, "eu"),
    (2, "pear", 1, "eu"),
    (2, "pear", 1, "eu"),
    (3, "plum", 7, "eu"),
    (4, "apple", 2, "us"),
    (4, "apple", 2, "us"),
    (4, "apple", 5, "us"),
    (5, "fig", 9, "us"),
]


def _tuples(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted(
        (int(str(r["order_id"])), r["product"], int(str(r["quantity"])), r["region"]) for r in rows
    )


# -- format ---------------------------------------------------------------------------


def test_format_to_partitioned_parquet(
    tmp_path: Path, sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "by_product"
    response = run(
        "table",
        "format",
        database_name="shop",
        table_name="sales",
        output_path=str(out),
        partition_by=["product"],
    )
    assert response.data[0].row_count == len(SALES)
    assert sorted(p.name for p in out.iterdir()) == [
        "product=apple",
        "product=fig",
        "product=pear",
        "product=plum",
    ]
    assert _tuples(read_dataset(out)) == sorted(SALES)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_format_to_text_formats(
    tmp_path: Path, sales: mason.models.Table, run: Callable[..., mason.Response], fmt: str
) -> None:
    out = tmp_path / f"sales.{fmt}"
    run(
        "table",
        "format",
        database_name="shop",
        table_name="sales",
        output_path=str(out),
        format=fmt,
    )
    assert out.is_file()
    with out.open() as fh:
        rows = list(csv.DictReader(fh)) if fmt == "csv" else [json.loads(line) for line in fh]
    assert _tuples(rows) == sorted(SALES)


def test_format_reports_progress(tmp_path: Path, sales: mason.models.Table) -> None:
    from mason_core.runtime import default_session

    progress = RecordingProgress()
    response = default_session().run(
        "table",
        "format",
        {"database_name": "shop", "table_name": "sales", "output_path": str(tmp_path / "o")},
        progress=progress,
    )
    assert response.ok, response.errors
    files = [p for p in Path(str(sales.location)).rglob("*.csv")]
    assert progress.starts[0][1:] == (2, sum(p.stat().st_size for p in files))
    assert (progress.files, progress.bytes_done) == progress.starts[0][1:]


def test_format_unknown_partition_column_is_bad_input(
    tmp_path: Path, sales: mason.models.Table
) -> None:
    response = mason.run(
        "table",
        "format",
        database_name="shop",
        table_name="sales",
        output_path=str(tmp_path / "o"),
        partition_by=["colour"],
    )
    assert response.exit_code == 2
    assert "colour not in table shop.sales" in response.errors[0]
    assert not (tmp_path / "o").exists()


def test_format_refuses_existing_output(tmp_path: Path, sales: mason.models.Table) -> None:
    out = tmp_path / "o.parquet"
    out.write_bytes(b"old")
    response = mason.run(
        "table", "format", database_name="shop", table_name="sales", output_path=str(out)
    )
    assert response.exit_code == 1
    assert "already exists" in response.errors[0]
    assert out.read_bytes() == b"old"


def test_format_missing_table(tmp_path: Path, sales: mason.models.Table) -> None:
    response = mason.run(
        "table", "format", database_name="shop", table_name="nope", output_path=str(tmp_path / "o")
    )
    assert response.exit_code == 1
    assert "table 'nope' not found" in response.errors[0]


# -- dedupe ---------------------------------------------------------------------------


def test_dedupe_whole_rows(
    tmp_path: Path, sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "unique"
    response = run(
        "table", "dedupe", database_name="shop", table_name="sales", output_path=str(out)
    )
    job = response.data[0]
    distinct = sorted(set(SALES))
    assert job.metrics["rows_removed"] == len(SALES) - len(distinct) == 2
    assert job.row_count == len(distinct)
    assert _tuples(read_dataset(out)) == distinct
    assert any("removed 2 duplicate rows" in line for line in response.info)


def test_dedupe_by_keys_keeps_one_row_per_key(
    tmp_path: Path, sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "per_order"
    response = run(
        "table",
        "dedupe",
        database_name="shop",
        table_name="sales",
        output_path=str(out),
        keys=["order_id"],
    )
    written = _tuples(read_dataset(out))
    order_ids = {row[0] for row in SALES}
    assert sorted(row[0] for row in written) == sorted(order_ids)
    assert set(written) <= set(SALES)  # every kept row is one of the originals
    assert response.data[0].metrics["rows_removed"] == len(SALES) - len(order_ids)


def test_dedupe_unknown_key_is_bad_input(tmp_path: Path, sales: mason.models.Table) -> None:
    response = mason.run(
        "table",
        "dedupe",
        database_name="shop",
        table_name="sales",
        output_path=str(tmp_path / "o"),
        keys=["order_id", "sku"],
    )
    assert response.exit_code == 2
    assert "sku not in table shop.sales" in response.errors[0]


# -- summarize ------------------------------------------------------------------------


def test_summarize_matches_independent_statistics(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    response = run("table", "summarize", database_name="shop", table_name="sales", top_values=2)
    summary = response.data[0]
    assert isinstance(summary, mason.models.TableSummary)
    assert (summary.database, summary.table, summary.row_count) == ("shop", "sales", len(SALES))
    columns = {c.name: c for c in summary.columns}
    assert set(columns) == {"order_id", "product", "quantity", "region"}

    quantities = [q for _, _, q, _ in SALES]
    quantity = columns["quantity"]
    assert (quantity.count, quantity.nulls) == (len(SALES), 0)
    assert (quantity.min, quantity.max) == (min(quantities), max(quantities))
    assert quantity.mean == pytest.approx(statistics.mean(quantities))
    assert quantity.stddev == pytest.approx(statistics.stdev(quantities))
    assert quantity.distinct == len(set(quantities))
    assert quantity.distinct_approximate

    products = Counter(p for _, p, _, _ in SALES)
    product = columns["product"]
    assert product.mean is None and product.stddev is None
    assert (product.min, product.max) == (min(products), max(products))
    expected_top = sorted(products.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    assert [(v.value, v.count) for v in product.top_values] == expected_top

    region = columns["region"]  # the partition key is summarized like any column
    assert [(v.value, v.count) for v in region.top_values] == [("eu", 4), ("us", 4)]


def test_summarize_counts_nulls(tmp_path: Path, run: Callable[..., mason.Response]) -> None:
    from .conftest import write_parquet

    values = [1.5, None, 4.0, None, 2.0]
    write_parquet(tmp_path / "t" / "p.parquet", [{"v": v} for v in values])
    run("table", "infer", storage_path=str(tmp_path / "t"), database_name="d", table_name="t")
    summary = run("table", "summarize", database_name="d", table_name="t").data[0]
    v = summary.columns[0]
    present = [x for x in values if x is not None]
    assert (v.count, v.nulls) == (len(present), 2)
    assert v.mean == pytest.approx(statistics.mean(present))
    assert v.stddev == pytest.approx(statistics.stdev(present))


def test_summarize_is_kept_in_the_job_record(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    response = run("table", "summarize", database_name="shop", table_name="sales")
    job_id = response.info[0].split()[2]
    job = run("job", "get", job_id=job_id).data[0]
    assert job.summary is not None
    assert job.summary.row_count == len(SALES)


def test_summarize_negative_top_values_is_bad_input(sales: mason.models.Table) -> None:
    # operator.yaml bounds top_values to 0..1000: refused before anything runs
    for bad, bound in ((-1, "at least 0"), (1001, "at most 1000")):
        with pytest.raises(mason.ParameterError, match=f"'top_values': must be {bound}"):
            mason.run(
                "table", "summarize", database_name="shop", table_name="sales", top_values=bad
            )
