"""Assembling one table from a listing of files and a reader of one file."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mason_core.errors import MasonRuntimeError
from mason_core.models import InferredTable
from mason_core.tabular.infer import DataFile, infer_table, map_concurrently, one_line
from mason_core.tabular.schema import FileSchema
from tests.recording import RecordingProgress


def _file(folder: str, name: str, fmt: str | None = "parquet") -> DataFile:
    parts = tuple(folder.split("/")) if folder else ()
    where = f"mem://t/{folder}/" if folder else "mem://t/"
    return DataFile(f"{where}{name}", parts, where, fmt, size_bytes=10)


def _reader(columns: dict[str, list[tuple[str, str]]]) -> Callable[[DataFile], FileSchema]:
    def read(file: DataFile) -> FileSchema:
        if file.location.endswith("broken.parquet"):
            raise OSError("bad footer\nmore")
        found = columns.get(file.location, [("id", "int64")])
        return FileSchema(file.location, file.format or "", found, file.size_bytes or 0, 2)

    return read


def _infer(
    files: list[DataFile], columns: dict[str, list[tuple[str, str]]] | None = None
) -> InferredTable:
    return infer_table(
        files,
        _reader(columns or {}),
        database="db",
        name="t",
        location="mem://t/",
        workers=4,
    )


def test_partitions_formats_and_unreadable_files_are_sorted_out() -> None:
    files = [
        _file("day=2", "a.parquet"),
        _file("day=1", "a.parquet"),
        _file("day=1", "b.parquet"),
        _file("day=1", "broken.parquet"),
        _file("day=3", "x.csv", "csv"),
        _file("other=1", "a.parquet"),
        _file("", "README", None),
    ]
    inferred = _infer(files, {"mem://t/day=2/a.parquet": [("id", "int64"), ("day", "int64")]})
    table = inferred.table
    assert [(c.name, c.type) for c in table.table_schema.columns] == [("id", "int64")]
    assert [(k.name, k.type) for k in table.partition_keys] == [("day", "int64")]
    assert [(p.values, p.location) for p in table.partitions or []] == [
        ({"day": "1"}, "mem://t/day=1/"),
        ({"day": "2"}, "mem://t/day=2/"),
    ]
    assert table.file_count == 3 and table.size_bytes == 30
    # what was skipped of the table's own format, recorded for its readers to leave out
    assert table.properties == {
        "record_count": "6",
        "skipped_files": '["mem://t/day=1/broken.parquet", "mem://t/other=1/a.parquet"]',
    }
    assert inferred.skipped_files == [
        "mem://t/README",
        "mem://t/day=3/x.csv",
        "mem://t/other=1/a.parquet",
        "mem://t/day=1/broken.parquet",
    ]
    warnings = "\n".join(inferred.warnings)
    assert "mixed formats: the table is parquet, these are csv" in warnings
    assert "partition layout differs from day" in warnings
    assert "OSError: bad footer" in warnings and "more" not in warnings
    assert "column 'day' is also a partition key; using the key" in warnings


def test_plain_folders_make_an_unpartitioned_table() -> None:
    inferred = _infer([_file("2023", "a.parquet"), _file("day=1", "b.parquet")])
    assert inferred.table.partition_keys == [] and inferred.table.partitions is None
    assert inferred.table.file_count == 2
    assert "some folders are not key=value" in inferred.warnings[0]


def test_nothing_readable_is_an_error() -> None:
    with pytest.raises(MasonRuntimeError, match="no parquet, CSV or JSON lines files among 1"):
        _infer([_file("", "x", None)])
    with pytest.raises(MasonRuntimeError, match="no readable data files under mem://t/"):
        _infer([_file("", "broken.parquet")])


def test_map_concurrently_keeps_order() -> None:
    items = list(range(100))
    assert map_concurrently(lambda i: i * 2, items, workers=8) == [i * 2 for i in items]
    assert map_concurrently(lambda i: i, items, workers=8, per_task=200) == items
    assert one_line(ValueError()) == "ValueError"


@pytest.mark.parametrize("workers", [1, 4])
def test_progress_counts_every_file_read_in_few_updates(workers: int) -> None:
    files = [_file(f"d={i % 7}", f"p{i}.parquet") for i in range(1000)]
    files.append(_file("d=1", "broken.parquet"))  # unreadable files count too
    progress = RecordingProgress()
    inferred = infer_table(
        files,
        _reader({}),
        database="db",
        name="t",
        location="mem://t/",
        workers=workers,
        progress=progress,
    )
    assert inferred.table.file_count == 1000
    assert progress.starts == [("reading the schemas under mem://t/", 1001, 0)]
    assert progress.files == 1001
    assert 1 <= progress.advances <= 101  # per run of files, never per file
    assert progress.finished == 1


def test_progress_is_finished_when_inference_fails() -> None:
    progress = RecordingProgress()
    with pytest.raises(MasonRuntimeError):
        infer_table(
            [_file("", "broken.parquet")],
            _reader({}),
            database="db",
            name="t",
            location="mem://t/",
            workers=1,
            progress=progress,
        )
    assert (progress.files, progress.finished) == (1, 1)
