"""``table merge`` on real files: mixed formats and columns, partitions,
empty and one-file inputs, overwrite safety and progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from mason_local.jobs import sources

import mason
from mason_core.runtime import default_session

from .conftest import Files, RecordingProgress, read_dataset, write_csv, write_parquet


def _by_id(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(r["id"]): r for r in rows}


def assert_merged(written: list[dict[str, Any]], files: Files) -> None:
    """Every input row is there once, with the union of columns; absent values are null."""
    assert len(written) == len(files.rows)
    got = _by_id(written)
    assert set(got) == {r["id"] for r in files.rows}
    for row in files.rows:
        out = got[row["id"]]
        assert set(out) == files.columns
        for column in files.columns:
            assert out[column] == row.get(column), (row["id"], column)


def test_merges_csv_parquet_and_jsonl_with_different_columns(
    tmp_path: Path, mixed_files: Files, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "merged"
    response = run("table", "merge", input_path=str(mixed_files.path), output_path=str(out))

    job = response.data[0]
    assert job.status == mason.models.JobStatus.SUCCEEDED
    assert job.row_count == len(mixed_files.rows)
    assert job.metrics["files"] == 3
    assert {c.name for c in job.columns} == mixed_files.columns
    assert out.is_dir() and sorted(p.suffix for p in out.iterdir()) == [".parquet"]
    assert_merged(read_dataset(out), mixed_files)
    assert not list(tmp_path.glob(".mason-staging-*"))


def test_partitioned_output(
    tmp_path: Path, mixed_files: Files, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "by_name_presence"
    rows = [{"id": i, "region": ("eu", "us")[i % 2], "v": i * 10} for i in range(20)]
    write_parquet(tmp_path / "in" / "p.parquet", rows)
    run(
        "table",
        "merge",
        input_path=str(tmp_path / "in"),
        output_path=str(out),
        repartition_keys=["region"],
    )
    assert sorted(p.name for p in out.iterdir()) == ["region=eu", "region=us"]
    for folder in out.iterdir():
        for part in folder.iterdir():
            # the key lives in the folder name, not in the files
            assert "region" not in pq.read_schema(part).names
    written = read_dataset(out)
    assert sorted((r["id"], r["region"], r["v"]) for r in written) == sorted(
        (r["id"], r["region"], r["v"]) for r in rows
    )


def test_hive_partitions_of_the_input_become_columns(
    tmp_path: Path, run: Callable[..., mason.Response]
) -> None:
    for region in ("eu", "us"):
        write_csv(tmp_path / "in" / f"region={region}" / "x.csv", [{"id": 1, "v": region}])
    out = tmp_path / "out"
    run("table", "merge", input_path=str(tmp_path / "in"), output_path=str(out))
    written = read_dataset(out)
    assert sorted((r["region"], r["v"]) for r in written) == [("eu", "eu"), ("us", "us")]


def test_one_file(tmp_path: Path, run: Callable[..., mason.Response]) -> None:
    rows = [{"id": i, "word": w} for i, w in enumerate(["a", "b", "c"])]
    write_csv(tmp_path / "only.csv", rows)
    out = tmp_path / "out"
    response = run("table", "merge", input_path=str(tmp_path / "only.csv"), output_path=str(out))
    assert response.data[0].metrics["files"] == 1
    assert sorted((r["id"], r["word"]) for r in read_dataset(out)) == [
        (0, "a"),
        (1, "b"),
        (2, "c"),
    ]


def test_empty_input_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.bin").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out"
    response = mason.run("table", "merge", input_path=str(tmp_path / "empty"), output_path=str(out))
    assert not response.ok and response.exit_code == 1
    assert len(response.errors) == 1
    assert "no parquet, CSV or JSON lines files" in response.errors[0]
    assert "1 other file(s) skipped" in response.errors[0]
    assert not out.exists()


def test_missing_input_path(tmp_path: Path) -> None:
    response = mason.run(
        "table", "merge", input_path=str(tmp_path / "nope"), output_path=str(tmp_path / "o")
    )
    assert response.exit_code == 1
    assert "does not exist" in response.errors[0]


def test_existing_output_is_refused_then_replaced_with_overwrite(
    tmp_path: Path, mixed_files: Files, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.parquet").write_bytes(b"a previous output")
    response = mason.run("table", "merge", input_path=str(mixed_files.path), output_path=str(out))
    assert response.exit_code == 1
    assert "already exists" in response.errors[0]
    assert (out / "old.parquet").read_bytes() == b"a previous output"

    run("table", "merge", input_path=str(mixed_files.path), output_path=str(out), overwrite=True)
    assert not (out / "old.parquet").exists()
    assert_merged(read_dataset(out), mixed_files)


def test_output_inside_input_is_refused(tmp_path: Path, mixed_files: Files) -> None:
    inside = mixed_files.path / "merged"
    response = mason.run(
        "table", "merge", input_path=str(mixed_files.path), output_path=str(inside), overwrite=True
    )
    assert response.exit_code == 2
    assert "overlaps the input" in response.errors[0]
    assert not inside.exists()


def test_extract_paths_restrict_the_input(
    tmp_path: Path, mixed_files: Files, run: Callable[..., mason.Response]
) -> None:
    out = tmp_path / "out"
    response = run(
        "table",
        "merge",
        input_path=str(mixed_files.path),
        output_path=str(out),
        extract_paths=["sub", "*.jsonl"],
    )
    assert response.data[0].metrics["files"] == 2
    ids = sorted(r["id"] for r in read_dataset(out))
    assert ids == [6, 7, 8, 9, 10]


def test_extract_path_matching_nothing_fails(tmp_path: Path, mixed_files: Files) -> None:
    response = mason.run(
        "table",
        "merge",
        input_path=str(mixed_files.path),
        output_path=str(tmp_path / "out"),
        extract_paths=["nothing/*.csv"],
    )
    assert response.exit_code == 1
    assert "matches nothing" in response.errors[0]


def test_headerless_csv_with_parse_headers_false(
    tmp_path: Path, run: Callable[..., mason.Response]
) -> None:
    write_csv(tmp_path / "in" / "x.csv", [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}], header=False)
    out = tmp_path / "out"
    response = run(
        "table", "merge", input_path=str(tmp_path / "in"), output_path=str(out), parse_headers=False
    )
    assert response.data[0].row_count == 2
    assert [c.name for c in response.data[0].columns] == ["column0", "column1"]


def test_csv_output_format_and_single_file(
    tmp_path: Path, mixed_files: Files, run: Callable[..., mason.Response]
) -> None:
    import csv

    out = tmp_path / "merged.csv"
    run("table", "merge", input_path=str(mixed_files.path), output_path=str(out), format="csv")
    assert out.is_file()
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(int(r["id"]) for r in rows) == [r["id"] for r in mixed_files.rows]
    assert set(rows[0]) == mixed_files.columns


def test_groups_are_cast_to_the_whole_inputs_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., mason.Response]
) -> None:
    """Read one file at a time, each group still gets every column, typed alike."""
    monkeypatch.setattr(sources, "GROUP_FILES", 1)
    write_csv(tmp_path / "in" / "1.csv", [{"id": 1, "x": 5}])
    write_csv(tmp_path / "in" / "2.csv", [{"id": 2, "x": 2.5, "y": "b"}])
    write_parquet(tmp_path / "in" / "3.parquet", [{"id": 3, "z": True}])
    out = tmp_path / "out"
    response = run("table", "merge", input_path=str(tmp_path / "in"), output_path=str(out))
    assert len(list(out.iterdir())) == 3  # one part per group
    schemas = {str(pq.read_schema(p)) for p in out.iterdir()}
    assert len(schemas) == 1
    got = _by_id(read_dataset(out))
    assert got[1] == {"id": 1, "x": 5.0, "y": None, "z": None}
    assert got[2] == {"id": 2, "x": 2.5, "y": "b", "z": None}
    assert got[3] == {"id": 3, "x": None, "y": None, "z": True}
    assert response.data[0].row_count == 3


def test_progress_adds_up_to_the_input(tmp_path: Path, mixed_files: Files) -> None:
    progress = RecordingProgress()
    response = default_session().run(
        "table",
        "merge",
        {"input_path": str(mixed_files.path), "output_path": str(tmp_path / "out")},
        progress=progress,
    )
    assert response.ok, response.errors
    total = sum(p.stat().st_size for p in mixed_files.path.rglob("*") if p.is_file())
    assert progress.starts == [("merge 3 files", 3, total)]
    assert (progress.files, progress.bytes_done) == (3, total)
    assert progress.finished == 1


def test_unknown_repartition_key_fails_naming_the_columns(
    tmp_path: Path, mixed_files: Files
) -> None:
    out = tmp_path / "out"
    response = mason.run(
        "table",
        "merge",
        input_path=str(mixed_files.path),
        output_path=str(out),
        repartition_keys=["nope"],
    )
    assert response.exit_code == 1
    assert "repartition_keys nope not among the columns" in response.errors[0]
    assert not out.exists()
