"""The s3 storage engine against moto: paths, reads, staged writes, deletes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mason_core.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from tests.aws.conftest import put_text


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


@pytest.fixture
def storage(storage_factory: Any) -> Any:
    return storage_factory("s3", "storage")


def test_paths_list_expand_and_open(storage: Any, s3: Any, bucket: str) -> None:
    put_text(s3, bucket, "t/a.csv", "x\n1\n")
    put_text(s3, bucket, "t/sub/b.csv", "x\n2\n")
    put_text(s3, bucket, "t/_SUCCESS", "")
    put_text(s3, bucket, "t/.mason-staging-x/c.csv", "x\n3\n")

    assert storage.resolve_path("s3://mason-data/t").uri == "s3://mason-data/t"
    assert storage.resolve_path("mason-data/t").uri == "s3://mason-data/t"
    assert storage.table_path("mason-data", "t").uri == "s3://mason-data/t/"
    listed = [(p.path, p.is_dir) for p in storage.list_path("s3://mason-data/t/")]
    assert ("mason-data/t/sub/", True) in listed and ("mason-data/t/a.csv", False) in listed
    expanded = [p.path for p in storage.expand_path("s3://mason-data/t")]
    assert expanded == ["mason-data/t/a.csv", "mason-data/t/sub/b.csv"]
    with storage.open("s3://mason-data/t/a.csv") as handle:
        assert handle.read() == b"x\n1\n"
    assert storage.exists("s3://mason-data/t") and not storage.exists("s3://mason-data/nope")
    with pytest.raises(MasonUsageError):
        storage.resolve_path("gs://elsewhere/x")


def test_missing_bucket_and_key_name_the_resource(storage: Any, bucket: str) -> None:
    with pytest.raises(NotFoundError, match=r"s3: .*no-such-bucket.*not found"):
        storage.expand_path("s3://no-such-bucket/x")
    with pytest.raises(NotFoundError, match=r"s3://mason-data/absent"):
        storage.list_path("s3://mason-data/absent")


def test_save_folder_is_staged_and_refuses_to_overwrite(
    storage: Any, s3: Any, bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "out"
    (source / "region=eu").mkdir(parents=True)
    (source / "region=eu" / "p0.csv").write_text("a\n1\n")
    (source / "p1.csv").write_text("a\n2\n")
    saved = storage.save(str(source), "s3://mason-data/exports/out/")
    assert saved.uri == "s3://mason-data/exports/out/"
    assert keys(s3, bucket) == ["exports/out/p1.csv", "exports/out/region=eu/p0.csv"]
    with pytest.raises(AlreadyExistsError):
        storage.save(str(source), "s3://mason-data/exports/out/")
    (source / "p1.csv").unlink()
    storage.save(str(source), "s3://mason-data/exports/out/", overwrite=True)
    assert keys(s3, bucket) == ["exports/out/region=eu/p0.csv"]


def test_failed_upload_leaves_nothing_at_the_output(
    storage: Any, s3: Any, bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "broken"
    source.mkdir()
    for i in range(5):
        (source / f"part-{i}.csv").write_text(f"a\n{i}\n")
    os.symlink(tmp_path / "does-not-exist", source / "part-9.csv")  # fails mid-upload
    with pytest.raises(Exception):  # noqa: B017 - whichever error the upload raises
        storage.save(str(source), "s3://mason-data/exports/broken/")
    assert keys(s3, bucket) == []  # neither output nor staging objects remain


def test_copy_and_delete(storage: Any, s3: Any, bucket: str) -> None:
    put_text(s3, bucket, "src/a.csv", "x\n1\n")
    put_text(s3, bucket, "src/b/c.csv", "x\n2\n")
    storage.copy("s3://mason-data/src/", "s3://mason-data/dst/")
    assert keys(s3, bucket, "dst/") == ["dst/a.csv", "dst/b/c.csv"]
    storage.copy("s3://mason-data/src/a.csv", "s3://mason-data/single/")
    assert keys(s3, bucket, "single/") == ["single/a.csv"]
    with pytest.raises(MasonUsageError, match="recursive"):
        storage.delete("s3://mason-data/dst/")
    storage.delete("s3://mason-data/dst/", recursive=True)
    storage.delete("s3://mason-data/single/a.csv")
    assert keys(s3, bucket) == ["src/a.csv", "src/b/c.csv"]
