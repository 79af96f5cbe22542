"""``overwrite: true`` replaces only a previous output (docs/safety.md, "Overwrites").

Each refusal is checked end to end on the local client (DuckDB jobs, pyarrow
writes): exit code 2, one error naming what is in the way, and not one file
changed. A real previous output, plain or hive-partitioned, is still replaced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mason
from mason_core.outputs import OutputRefusedError, check_local_overwrite, extensions_for
from tests.hostile.rooted import cli, one_error, snapshot, use_root


@pytest.fixture
def root(tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A confined local root holding a user's unrelated files, current directory inside."""
    folder = tmp_path / "root"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "diary.txt").write_text("dear diary")
    (folder / "report.csv").write_text("a,b\n1,2\n")
    (folder / "data" / "sales").mkdir(parents=True)
    (folder / "data" / "sales" / "part-0.csv").write_text("id,qty\n1,2\n2,3\n")
    use_root(isolated_mason_home, folder)
    monkeypatch.chdir(folder)
    return folder


def refused(response: mason.Response, *words: str) -> str:
    assert response.exit_code == 2, response
    (error,) = response.errors
    for word in words:
        assert word in error, error
    return error


def test_fake_over_the_root_is_refused_and_deletes_nothing(root: Path) -> None:
    before = snapshot(root)
    refused(mason.run("table", "fake", output_path=".", overwrite=True), "it is the local root")
    refused(mason.run("table", "fake", output_path=str(root), overwrite=True), "local root")
    assert snapshot(root) == before


def test_the_cli_says_one_line_and_exits_2(root: Path) -> None:
    before = snapshot(root)
    done = cli("op", "table", "fake", "-p", "output_path:.,overwrite:true", cwd=root)
    assert done.returncode == 2, done
    assert "it is the local root" in one_error(done)
    assert snapshot(root) == before


def test_a_folder_of_other_files_is_refused_naming_one(root: Path) -> None:
    before = snapshot(root)
    refused(
        mason.run("table", "fake", output_path="notes", overwrite=True),
        "diary.txt",
        "not part of a parquet dataset",
    )
    assert snapshot(root) == before


def test_a_file_that_is_not_a_dataset_of_the_format_is_refused(root: Path) -> None:
    (root / "keep").write_text("not data")
    before = snapshot(root)
    refused(mason.run("table", "fake", output_path="keep", overwrite=True), "it is a file")
    refused(
        mason.run("table", "fake", output_path="report.csv", format="parquet", overwrite=True),
        "it is a file",
    )
    assert snapshot(root) == before


def test_another_format_is_not_a_previous_output(root: Path) -> None:
    assert mason.run("table", "fake", output_path="out", rows=5).ok
    before = snapshot(root)
    refused(
        mason.run("table", "fake", output_path="out", format="csv", overwrite=True),
        "part-00000.parquet",
        "csv dataset",
    )
    assert snapshot(root) == before


def test_a_previous_output_is_replaced(root: Path) -> None:
    assert mason.run("table", "fake", output_path="out", rows=5).ok
    assert mason.run("table", "fake", output_path="out", rows=7, overwrite=True).ok
    import pyarrow.parquet as pq

    assert pq.read_table(root / "out").num_rows == 7
    assert not [p for p in root.iterdir() if p.name.startswith(".mason")]


def test_a_partitioned_previous_output_is_replaced(root: Path) -> None:
    assert mason.run(
        "table", "merge", input_path="data/sales", output_path="merged", repartition_keys=["id"]
    ).ok
    assert (root / "merged" / "id=1").is_dir()
    replaced = mason.run(
        "table", "merge", input_path="data/sales", output_path="merged", overwrite=True
    )
    assert replaced.ok, replaced.errors
    assert not (root / "merged" / "id=1").exists()


def test_the_working_directory_is_refused(
    tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.parquet").write_bytes(b"my only copy")
    monkeypatch.chdir(work)
    before = snapshot(work)
    refused(mason.run("table", "fake", output_path=".", overwrite=True), "working directory")
    refused(
        mason.run("table", "fake", output_path=str(tmp_path), overwrite=True),
        "it holds the working directory",
    )
    assert snapshot(work) == before


def test_a_home_directory_is_refused(
    tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "alice"
    home.mkdir()
    (home / "photo.parquet").write_bytes(b"not really parquet, but hers")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    before = snapshot(home)
    refused(mason.run("table", "fake", output_path=str(home), overwrite=True), "a home directory")
    assert snapshot(home) == before


def test_mason_home_is_refused(
    tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert mason.run("table", "fake", output_path="x", rows=1).ok  # MASON_HOME now has files
    before = snapshot(isolated_mason_home)
    refused(
        mason.run("table", "fake", output_path=str(isolated_mason_home), overwrite=True),
        "MASON_HOME",
    )
    assert snapshot(isolated_mason_home) == before


def test_the_filesystem_root_is_refused_by_the_guard() -> None:
    # Checked on the guard itself: a test must not aim a real writer at "/".
    with pytest.raises(OutputRefusedError, match="it is the filesystem root"):
        check_local_overwrite(Path("/"), extensions_for("parquet"), "parquet")


def test_an_input_of_the_job_is_refused(root: Path) -> None:
    before = snapshot(root)
    for output in ("data/sales", "data", "data/sales/inner"):
        refused(
            mason.run(
                "table", "merge", input_path="data/sales", output_path=output, overwrite=True
            ),
            "overlaps the input",
        )
    assert snapshot(root) == before


def test_a_table_written_over_itself_is_refused(root: Path) -> None:
    assert mason.run("table", "fake", output_path="shop/items", database_name="shop").ok
    before = snapshot(root)
    for command, extra in (("format", {"format": "parquet"}), ("dedupe", {})):
        refused(
            mason.run(
                "table",
                command,
                database_name="shop",
                table_name="items",
                output_path="shop/items",
                overwrite=True,
                **extra,
            ),
            "overlaps the input",
        )
    refused(
        mason.run(
            "table",
            "query",
            database_name="shop",
            query_string="select * from items",
            output_path="shop",
            overwrite=True,
        ),
        "overlaps the input",
    )
    assert snapshot(root) == before


def test_query_output_over_foreign_files_is_refused(root: Path) -> None:
    assert mason.run("table", "fake", output_path="shop/items", database_name="shop").ok
    before = snapshot(root)
    refused(
        mason.run(
            "table",
            "query",
            database_name="shop",
            query_string="select * from items",
            output_path="notes",
            overwrite=True,
        ),
        "diary.txt",
    )
    assert snapshot(root) == before


def test_a_symlink_in_the_output_is_not_followed_nor_taken_for_data(
    root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.parquet").write_bytes(b"keep me")
    assert mason.run("table", "fake", output_path="out", rows=2).ok
    (root / "out" / "linked").symlink_to(outside)
    refused(mason.run("table", "fake", output_path="out", overwrite=True), "linked")
    assert (outside / "precious.parquet").read_bytes() == b"keep me"


def test_through_the_server(tmp_path: Path, isolated_mason_home: Path) -> None:
    from tests.server.conftest import start

    root = tmp_path / "served"
    (root / "mine").mkdir(parents=True)
    (root / "mine" / "thesis.docx").write_bytes(b"only copy")
    before = snapshot(root)
    for live in start(root, isolated_mason_home):
        for output in (".", "mine"):
            answer = live.post(
                "/api/operators/table/fake/run",
                {"parameters": {"output_path": output, "overwrite": True}},
            )
            assert answer.status_code == 400, answer.text
            (error,) = answer.json()["Errors"]
            assert "refusing to overwrite" in error
    assert snapshot(root) == before


def test_delete_data_never_removes_a_home_or_working_directory(
    tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "bob"
    home.mkdir()
    (home / "a.csv").write_text("x\n1\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    assert mason.run("table", "infer", storage_path=str(home), database_name="db").ok
    before = snapshot(home)
    answer = mason.run("table", "delete", database_name="db", table_name="bob", delete_data=True)
    assert answer.exit_code == 2 and "refusing to delete" in answer.errors[0], answer.errors
    assert snapshot(home) == before
