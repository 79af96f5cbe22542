"""The local storage engine: path confinement, listing, and staged writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mason_core.errors import AlreadyExistsError, MasonUsageError, NotFoundError

from .conftest import EngineFactory, LocalEngines
from .files import write_text


def test_relative_paths_resolve_against_root(make_engines: EngineFactory, tmp_path: Path) -> None:
    storage = make_engines(root=str(tmp_path)).storage
    write_text(tmp_path / "data" / "a.csv", "x\n1\n")
    resolved = storage.resolve_path("data/a.csv")
    assert resolved.path == str(tmp_path / "data" / "a.csv")
    assert resolved.size_bytes == 4
    assert resolved.is_dir is False
    assert storage.resolve_path("file://" + str(tmp_path / "data")).is_dir is True
    assert storage.resolve_path("data/../data/a.csv").path == str(tmp_path / "data" / "a.csv")


@pytest.mark.parametrize("escape", ["../outside", "data/../../outside", "/etc/passwd", "~"])
def test_paths_outside_root_are_refused(
    make_engines: EngineFactory, tmp_path: Path, escape: str
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    storage = make_engines(root=str(root)).storage
    with pytest.raises(MasonUsageError, match="outside the local root") as info:
        storage.resolve_path(escape)
    assert escape in str(info.value)
    with pytest.raises(MasonUsageError):
        storage.exists(escape)


def test_symlink_out_of_root_is_refused(make_engines: EngineFactory, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").mkdir()
    os.symlink(tmp_path / "secret", root / "link")
    storage = make_engines(root=str(root)).storage
    with pytest.raises(MasonUsageError, match="outside the local root"):
        storage.list_path("link")


def test_without_root_relative_paths_use_the_working_directory(
    engines: LocalEngines, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert engines.storage.resolve_path("x/y.csv").path == str(tmp_path / "x" / "y.csv")


@pytest.mark.parametrize("path", ["s3://bucket/key", "gs://b/k", "", "   "])
def test_foreign_or_empty_paths_are_usage_errors(engines: LocalEngines, path: str) -> None:
    with pytest.raises(MasonUsageError):
        engines.storage.resolve_path(path)


def test_expand_path_lists_data_files_only(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "t"
    for name in ("a.csv", "k=1/b.csv", "k=2/deep/c.csv"):
        write_text(base / name, "x\n1\n")
    for noise in ("_SUCCESS", "_metadata", ".hidden.csv", ".part-0.csv.crc", "k=1/_SUCCESS"):
        write_text(base / noise, "")
    write_text(base / ".mason-staging-out-123" / "out" / "p.csv", "x\n")
    write_text(base / "_temporary" / "0" / "p.csv", "x\n")
    expanded = [
        Path(p.path).relative_to(base).as_posix() for p in engines.storage.expand_path(str(base))
    ]
    assert expanded == ["a.csv", "k=1/b.csv", "k=2/deep/c.csv"]
    single = engines.storage.expand_path(str(base / "a.csv"))
    assert [p.path for p in single] == [str(base / "a.csv")]


def test_list_path_gives_direct_children(engines: LocalEngines, tmp_path: Path) -> None:
    write_text(tmp_path / "d" / "a.txt", "a")
    (tmp_path / "d" / "sub").mkdir()
    children = engines.storage.list_path(str(tmp_path / "d"))
    assert [(Path(c.path).name, c.is_dir) for c in children] == [("a.txt", False), ("sub", True)]


def test_missing_paths_are_not_found(engines: LocalEngines, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    assert engines.storage.exists(missing) is False
    for call in (engines.storage.list_path, engines.storage.expand_path, engines.storage.open):
        with pytest.raises(NotFoundError, match="does not exist"):
            call(missing)


def test_open_reads_bytes_and_refuses_writing(engines: LocalEngines, tmp_path: Path) -> None:
    path = write_text(tmp_path / "f.txt", "hello")
    with engines.storage.open(str(path)) as fh:
        assert fh.read() == b"hello"
    with pytest.raises(MasonUsageError, match="reading only"):
        engines.storage.open(str(path), "wb")


def test_save_and_copy_refuse_to_overwrite_unless_asked(
    make_engines: EngineFactory, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    storage = make_engines(root=str(root)).storage
    source = write_text(tmp_path / "outside" / "src" / "a.csv", "x\n1\n")
    write_text(source.parent / "b.csv", "x\n2\n")
    saved = storage.save(str(source.parent), "landing/src")
    assert saved.is_dir and sorted(os.listdir(root / "landing" / "src")) == ["a.csv", "b.csv"]
    with pytest.raises(AlreadyExistsError, match="already exists"):
        storage.save(str(source), "landing/src")
    assert sorted(os.listdir(root / "landing" / "src")) == ["a.csv", "b.csv"]
    storage.save(str(source), "landing/src", overwrite=True)
    assert (root / "landing" / "src").read_text() == "x\n1\n"
    copied = storage.copy("landing/src", "copies/one.csv")
    assert Path(copied.path).read_text() == "x\n1\n"
    assert not [n for n in os.listdir(root / "copies") if n.startswith(".mason")]
    with pytest.raises(MasonUsageError, match="outside the local root"):
        storage.copy("landing/src", str(tmp_path / "elsewhere"))
    with pytest.raises(MasonUsageError, match="overlaps the input"):
        storage.copy("landing", "landing/inner")


def test_delete_files_and_folders(make_engines: EngineFactory, tmp_path: Path) -> None:
    storage = make_engines(root=str(tmp_path)).storage
    write_text(tmp_path / "d" / "a.csv", "x")
    write_text(tmp_path / "d" / "sub" / "b.csv", "x")
    with pytest.raises(MasonUsageError, match="recursive"):
        storage.delete("d")
    storage.delete("d/a.csv")
    assert not (tmp_path / "d" / "a.csv").exists()
    storage.delete("d", recursive=True)
    assert os.listdir(tmp_path) == []
    with pytest.raises(NotFoundError):
        storage.delete("d")
    with pytest.raises(MasonUsageError, match="local root"):
        storage.delete(".", recursive=True)


def test_table_path_follows_the_convention(make_engines: EngineFactory, tmp_path: Path) -> None:
    with_root = make_engines(root=str(tmp_path)).storage
    assert with_root.table_path("sales", "orders").path == str(tmp_path / "sales" / "orders")
    without = make_engines().storage
    expected = without.context.home / "clients" / "local" / "warehouse" / "sales" / "orders"
    assert without.table_path("sales", "orders").path == str(expected)
    for bad in ("../x", "a/b", ".."):
        with pytest.raises(MasonUsageError, match="invalid"):
            with_root.table_path("sales", bad)
