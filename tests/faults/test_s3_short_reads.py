# ruff: noqa: F811  (the fixtures imported from tests.faults._consistency are parameters here)
"""Short reads never give a wrong answer: a query over S3 whose ranged GET
comes back shorter than asked (a proxy or middlebox bug; the HTTP exchange
itself looks whole) fails with one line naming the object, and so does a
read of an object replaced since its table was listed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from mason.sdk.errors import MasonRuntimeError
from tests.aws.conftest import put_parquet
from tests.aws.faults import FaultProxy, Request, ShortBody, s3_get_object
from tests.faults._consistency import (  # noqa: F401  (fixtures)
    aws_env,
    fault_proxy,
    moto_url,
    only_local_connections,
    s3,
    s3_local_config,
    session_with,
    storage_factory,
)

QUERY = "SELECT sum(id) AS total FROM t"


def _data_reads(request: Request) -> bool:
    """The query's ranged GETs (``bytes=a-b``); the footers the s3 metastore's
    inference reads (suffix ranges, ``bytes=-n``) go through whole."""
    ranged = request.headers.get("range", "")
    return s3_get_object("lake")(request) and not ranged.startswith("bytes=-")


def _table(s3: Any) -> int:
    s3.create_bucket(Bucket="lake")
    ids = list(range(20_000))
    put_parquet(s3, "lake", "t/a.parquet", {"id": ids, "pad": [str(i) * 3 for i in ids]})
    return sum(ids)


def test_a_short_ranged_get_fails_the_query_naming_the_object(
    tmp_path: Path,
    s3: Any,
    fault_proxy: FaultProxy,
) -> None:
    total = _table(s3)
    session = session_with(tmp_path, s3_local_config(fault_proxy.url))
    whole = session.run("table", "query", {"database_name": "lake", "query_string": QUERY})
    assert whole.errors == []
    assert whole.data[0].preview == [{"total": str(total)}]
    with fault_proxy.fault(_data_reads, ShortBody(0.5), times=None) as cut:
        answer = session.run("table", "query", {"database_name": "lake", "query_string": QUERY})
    assert cut.answered > 0  # the proxy did cut GETs short
    assert answer.data == []
    assert len(answer.errors) == 1
    error = answer.errors[0]
    assert "s3: short read of s3://lake/t/a.parquet: asked for bytes" in error
    assert "\n" not in error


def test_an_object_replaced_after_listing_is_not_read(
    s3: Any,
    aws_env: str,
    storage_factory: Any,
) -> None:
    """The filesystem DuckDB reads S3 tables through lists the table, then an
    object is replaced: its reads ask for the listed ETag and fail, naming it."""
    import pyarrow.fs

    _table(s3)
    storage = storage_factory("s3", "storage", endpoint_url=aws_env)
    remote = storage.arrow_filesystem("s3://lake/t/")
    listed = remote.filesystem.get_file_info(pyarrow.fs.FileSelector(remote.path, recursive=True))
    assert [info.path for info in listed] == ["lake/t/a.parquet"]
    s3.put_object(Bucket="lake", Key="t/a.parquet", Body=io.BytesIO(b"PAR1 replaced PAR1"))
    with remote.filesystem.open_input_file("lake/t/a.parquet") as handle:  # noqa: SIM117
        with pytest.raises(MasonRuntimeError) as refused:
            handle.read(4)
    assert str(refused.value) == (
        "s3: s3://lake/t/a.parquet changed since its table was listed (its ETag differs); "
        "run the job again to read the new version"
    )
