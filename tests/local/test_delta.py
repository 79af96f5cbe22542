"""The local client's Delta commit loop against real concurrent commits: a
delete planned on a version another writer has since rewritten is redone on
the new version; a writer beaten every time fails with one line naming the
table, having changed nothing. Real delta-rs tables; the concurrent writer is
a second handle on the same folder committing in between."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mason.sdk.delta import commit
from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import Table


@pytest.fixture
def entry(tmp_path: Path) -> Table:
    import pyarrow as pa
    from deltalake import write_deltalake

    path = tmp_path / "t"
    write_deltalake(str(path), pa.table({"id": [1, 2, 3], "v": ["a", "b", "c"]}))
    return Table(name="t", database="lake", location=str(path), format="delta")


def rival_delete(entry: Table, predicate: str) -> None:
    """Another writer deletes rows, rewriting the file our writer planned on."""
    from deltalake import DeltaTable

    DeltaTable(str(entry.location)).delete(predicate)


def ids(entry: Table) -> list[int]:
    from deltalake import DeltaTable

    return sorted(DeltaTable(str(entry.location)).to_pyarrow_table().column("id").to_pylist())


def test_a_commit_beaten_by_a_concurrent_writer_is_redone(entry: Table) -> None:
    attempts: list[int] = []

    def work(table: Any) -> None:
        attempts.append(table.version())
        if len(attempts) == 1:
            rival_delete(entry, "id = 1")  # lands while our delete is planned on version 0
        table.delete("id = 2")

    _, retries, before = commit(entry, work)
    assert retries == 1 and attempts == [0, 1] and before == 1
    assert ids(entry) == [3]


def test_a_writer_beaten_every_time_fails_in_one_line_and_writes_nothing(entry: Table) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    attempts: list[int] = []

    def work(table: Any) -> None:
        attempts.append(table.version())
        # another writer replaces every file our delete was planned on, each time
        write_deltalake(
            str(entry.location), pa.table({"id": [1, 2, 3], "v": ["x"] * 3}), mode="overwrite"
        )
        table.delete("id = 3")

    with pytest.raises(MasonRuntimeError, match=r"table lake\.t: other writers committed first"):
        commit(entry, work)
    assert len(attempts) == 6
    assert ids(entry) == [1, 2, 3]  # our delete never landed
