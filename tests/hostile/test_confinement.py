"""Local storage stays under its root, and hostile paths are refused in one
line with exit code 2 (docs/safety.md, "Confinement").

The nasty fixtures are built here: symlinks leading out of the root, link
loops, a FIFO, ``/dev/zero``, NUL bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import mason
from tests.hostile.rooted import cli, one_error, snapshot, use_root

SECRET_LINE = "alice,hunter2,do-not-print"


@pytest.fixture
def root(tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "root"
    table = folder / "db" / "t"
    table.mkdir(parents=True)
    (table / "a.csv").write_text("name,qty\nkiwi,1\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwords.csv").write_text(f"user,password,note\n{SECRET_LINE}\n")
    use_root(isolated_mason_home, folder)
    monkeypatch.chdir(folder)
    return folder


def refused(response: mason.Response, *words: str) -> str:
    assert response.exit_code == 2, response
    (error,) = response.errors
    assert "\n" not in error
    for word in words:
        assert word in error, error
    return error


def test_a_symlink_out_of_the_root_inside_a_table_is_refused(root: Path, tmp_path: Path) -> None:
    (root / "db" / "t" / "z.csv").symlink_to(tmp_path / "outside" / "passwords.csv")
    answer = mason.run("table", "infer", storage_path="db/t", database_name="db")
    error = refused(answer, "z.csv", "outside the local root")
    assert SECRET_LINE not in error and "hunter2" not in str(answer.model_dump())
    assert not mason.run("table", "get", database_name="db", table_name="t").ok


def test_a_symlinked_folder_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    (root / "db" / "t" / "more").symlink_to(tmp_path / "outside")
    refused(
        mason.run("table", "infer", storage_path="db/t", database_name="db"),
        "outside the local root",
    )


def test_a_link_inside_the_root_is_followed(root: Path) -> None:
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "b.csv").write_text("name,qty\nfig,2\n")
    (root / "db" / "t" / "b.csv").symlink_to(root / "elsewhere" / "b.csv")
    assert mason.run("table", "infer", storage_path="db/t", database_name="db").ok


def test_a_link_loop_inside_a_table_is_walked_once(root: Path) -> None:
    (root / "db" / "t" / "again").symlink_to(root / "db" / "t")
    answer = mason.run("table", "infer", storage_path="db/t", database_name="db")
    assert answer.ok, answer.errors


def test_a_symlink_loop_as_storage_path_is_refused(root: Path) -> None:
    (root / "loop1").symlink_to(root / "loop2")
    (root / "loop2").symlink_to(root / "loop1")
    refused(mason.run("table", "infer", storage_path="loop1", database_name="db"), "loop1")


def test_a_fifo_as_storage_path_is_refused_without_hanging(root: Path) -> None:
    os.mkfifo(root / "pipe")
    done = cli("op", "table", "infer", "-p", "storage_path:pipe,database_name:db", timeout=60)
    assert done.returncode == 2, done
    assert "neither a regular file nor a folder" in one_error(done)


def test_dev_zero_as_storage_path_is_refused(
    tmp_path: Path, isolated_mason_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no root: the built-in configuration
    done = cli("op", "table", "infer", "-p", "storage_path:/dev/zero,database_name:db", timeout=60)
    assert done.returncode == 2, done
    assert "/dev/zero" in one_error(done)


def test_dev_zero_under_a_root_is_outside_it(root: Path) -> None:
    refused(
        mason.run("table", "infer", storage_path="/dev/zero", database_name="db"),
        "outside the local root",
    )


@pytest.mark.parametrize(
    ("command", "params"),
    [
        ("infer", {"storage_path": "db/\x00t", "database_name": "db"}),
        ("fake", {"output_path": "out\x00put"}),
        ("merge", {"input_path": "db/t", "output_path": "m\x00"}),
    ],
)
def test_a_nul_byte_in_a_path_is_refused(root: Path, command: str, params: dict[str, str]) -> None:
    refused(mason.run("table", command, **params), "NUL byte")


@pytest.mark.parametrize(
    ("command", "params"),
    [
        ("fake", {"output_path": "../escaped"}),
        ("merge", {"input_path": "db/t", "output_path": "/tmp/mason-escaped"}),
        ("query", {"database_name": "db", "query_string": "select 1", "output_path": "../q.csv"}),
    ],
)
def test_an_output_path_outside_the_root_is_refused(
    root: Path, tmp_path: Path, command: str, params: dict[str, str]
) -> None:
    assert mason.run("table", "infer", storage_path="db/t", database_name="db").ok
    before = snapshot(tmp_path)
    refused(mason.run("table", command, **params), "outside the local root")
    assert snapshot(tmp_path) == before


def test_an_output_reached_through_a_symlink_out_is_refused(root: Path, tmp_path: Path) -> None:
    (root / "exit").symlink_to(tmp_path / "outside")
    refused(mason.run("table", "fake", output_path="exit/new"), "outside the local root")
    assert not (tmp_path / "outside" / "new").exists()


def test_delete_data_ignores_an_unrelated_table_outside_the_root(
    root: Path, tmp_path: Path, isolated_mason_home: Path
) -> None:
    mason.set_config("default")  # the built-in configuration: no root
    elsewhere = tmp_path / "elsewhere" / "things"
    assert mason.run("table", "fake", output_path=str(elsewhere), database_name="other").ok
    use_root(isolated_mason_home, root)
    assert mason.run("table", "fake", output_path="shop/items", database_name="shop").ok
    deleted = mason.run(
        "table", "delete", database_name="shop", table_name="items", delete_data=True
    )
    assert deleted.ok, deleted.errors
    assert not (root / "shop" / "items").exists()
    assert elsewhere.is_dir()


def test_delete_data_still_refuses_a_table_sharing_the_files(root: Path) -> None:
    assert mason.run("table", "fake", output_path="shop/items", database_name="shop").ok
    assert mason.run(
        "table", "infer", storage_path="shop/items", database_name="copy", table_name="items"
    ).ok
    answer = mason.run(
        "table", "delete", database_name="shop", table_name="items", delete_data=True
    )
    assert answer.exit_code == 2 and "copy.items" in answer.errors[0]
    assert (root / "shop" / "items").is_dir()


def test_a_merge_reading_through_a_symlink_out_is_refused(root: Path, tmp_path: Path) -> None:
    (root / "db" / "t" / "z.csv").symlink_to(tmp_path / "outside" / "passwords.csv")
    answer = mason.run("table", "merge", input_path="db/t", output_path="merged")
    error = refused(answer, "outside the local root")
    assert SECRET_LINE not in error
    assert not (root / "merged").exists()
