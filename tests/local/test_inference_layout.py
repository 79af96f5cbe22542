"""Inference across many files: hive partitions, conflicting schemas, mixed
formats, unreadable files and empty locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from mason_core.errors import MasonRuntimeError, NotFoundError

from .conftest import LocalEngines
from .files import write_parquet, write_text


def test_hive_partitions_become_typed_keys(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "sales"
    layout = [
        ("2023", "eu", "2023-01-01"),
        ("2023", "us", "2023-01-02"),
        ("2024", "eu%2Fwest", "2024-05-06"),
    ]
    for year, region, day in layout:
        folder = base / f"year={year}" / f"region={region}" / f"day={day}"
        write_parquet(folder / "part-0.parquet", {"amount": [1.5, 2.5]})
        write_parquet(folder / "part-1.parquet", {"amount": [3.5]})
    write_text(base / "_SUCCESS", "")
    inferred = engines.storage.infer_table(str(base), "db")
    table = inferred.table
    assert [(c.name, c.type) for c in table.table_schema.columns] == [("amount", "double")]
    assert [(k.name, k.type) for k in table.partition_keys] == [
        ("year", "int64"),
        ("region", "string"),
        ("day", "date32[day]"),
    ]
    assert table.partitions is not None
    assert [p.values for p in table.partitions] == [
        {"year": "2023", "region": "eu", "day": "2023-01-01"},
        {"year": "2023", "region": "us", "day": "2023-01-02"},
        {"year": "2024", "region": "eu/west", "day": "2024-05-06"},
    ]
    assert table.partitions[0].location == str(base / "year=2023" / "region=eu" / "day=2023-01-01")
    assert table.file_count == 6
    assert table.properties["record_count"] == "9"
    assert inferred.warnings == [] and inferred.skipped_files == []


def test_files_outside_the_dominant_partition_layout_are_skipped(
    engines: LocalEngines, tmp_path: Path
) -> None:
    base = tmp_path / "t"
    for day in ("1", "2", "3"):
        write_parquet(base / f"day={day}" / "a.parquet", {"x": [1]})
    stray = write_parquet(base / "month=1" / "a.parquet", {"x": [1]})
    inferred = engines.storage.infer_table(str(base), "db")
    assert [k.name for k in inferred.table.partition_keys] == ["day"]
    assert inferred.skipped_files == [str(stray)]
    assert any("partition layout" in w for w in inferred.warnings)


def test_plain_nested_folders_are_one_unpartitioned_table(
    engines: LocalEngines, tmp_path: Path
) -> None:
    base = tmp_path / "t"
    write_parquet(base / "2023" / "a.parquet", {"x": [1]})
    write_parquet(base / "2024" / "b.parquet", {"x": [2, 3]})
    inferred = engines.storage.infer_table(str(base), "db")
    assert inferred.table.partition_keys == [] and inferred.table.partitions is None
    assert inferred.table.file_count == 2
    assert inferred.table.properties["record_count"] == "3"


def test_safe_type_differences_are_widened(engines: LocalEngines, tmp_path: Path) -> None:
    import pyarrow as pa

    base = tmp_path / "t"
    write_parquet(
        base / "a.parquet", {"n": pa.array([1], pa.int32()), "v": pa.array([1], pa.int64())}
    )
    write_parquet(base / "b.parquet", {"n": pa.array([2], pa.int64()), "v": pa.array([1.5])})
    write_parquet(
        base / "c.parquet", {"n": pa.array([None], pa.null()), "v": pa.array([2], pa.int16())}
    )
    inferred = engines.storage.infer_table(str(base), "db")
    assert [(c.name, c.type) for c in inferred.table.table_schema.columns] == [
        ("n", "int64"),
        ("v", "double"),
    ]
    assert inferred.conflicts == []


def test_conflicting_types_are_reported_not_crashed_on(
    engines: LocalEngines, tmp_path: Path
) -> None:
    base = tmp_path / "t"
    a = write_parquet(base / "a.parquet", {"id": [1, 2], "code": [1, 2]})
    b = write_parquet(base / "b.parquet", {"id": [3], "code": ["x"]})
    c = write_parquet(base / "c.parquet", {"id": [4], "extra": [True]})
    inferred = engines.storage.infer_table(str(base), "db")
    assert [(c.name, c.type) for c in inferred.table.table_schema.columns] == [
        ("id", "int64"),
        ("code", "string"),
        ("extra", "bool"),
    ]
    assert len(inferred.conflicts) == 1
    conflict = inferred.conflicts[0]
    assert conflict.column == "code"
    assert conflict.types == {"int64": [str(a)], "string": [str(b)]}
    assert any("'code' has conflicting types" in w for w in inferred.warnings)
    assert any("'extra' is missing from 2 of 3 files" in w for w in inferred.warnings)
    assert any("'code' is missing from 1 of 3 files" in w for w in inferred.warnings)
    assert str(c) not in inferred.skipped_files


def test_mixed_formats_keep_the_majority(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "t"
    write_text(base / "a.csv", "x,y\n1,a\n")
    write_text(base / "b.csv", "x,y\n2,b\n")
    stray = write_parquet(base / "c.parquet", {"x": [1]})
    junk = base / "d.bin"
    junk.write_bytes(b"\x00\x01")
    inferred = engines.storage.infer_table(str(base), "db")
    assert inferred.table.format == "csv"
    assert inferred.table.file_count == 2
    assert sorted(inferred.skipped_files) == sorted([str(stray), str(junk)])
    assert any("mixed formats" in w for w in inferred.warnings)


def test_unreadable_files_are_skipped_with_a_warning(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "t"
    write_parquet(base / "good.parquet", {"x": [1, 2]})
    broken = base / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    inferred = engines.storage.infer_table(str(base), "db")
    assert inferred.table.file_count == 1
    assert inferred.skipped_files == [str(broken)]
    assert any("unreadable" in w and "broken.parquet" in w for w in inferred.warnings)


def test_only_unreadable_files_is_a_clear_error(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "t"
    (base).mkdir()
    (base / "broken.parquet").write_bytes(b"PAR1 nope")
    with pytest.raises(MasonRuntimeError, match="no readable data files"):
        engines.storage.infer_table(str(base), "db")


@pytest.mark.parametrize("noise", [[], ["_SUCCESS", ".hidden"]])
def test_empty_location_is_not_found(
    engines: LocalEngines, tmp_path: Path, noise: list[str]
) -> None:
    base = tmp_path / "empty"
    base.mkdir()
    for name in noise:
        write_text(base / name, "")
    with pytest.raises(NotFoundError, match="no data files under"):
        engines.storage.infer_table(str(base), "db")


def test_missing_location_is_not_found(engines: LocalEngines, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        engines.storage.infer_table(str(tmp_path / "missing"), "db")


def test_csv_files_disagreeing_on_header_are_reported(
    engines: LocalEngines, tmp_path: Path
) -> None:
    base = tmp_path / "t"
    write_text(base / "a.csv", "id,n\n1,2\n")
    write_text(base / "b.csv", "id,n\n3,4\n")
    write_text(base / "c.csv", "5,6\n7,8\n")
    inferred = engines.storage.infer_table(str(base), "db")
    assert inferred.table.properties["header"] == "true"
    assert any("disagree on header" in w for w in inferred.warnings)
