"""A corpus of nasty data files, built by the tests: truncated and empty
parquet, ragged CSV, mixed and foreign encodings, NUL bytes, random binary.
Inferring and querying each ends with exit 0, 1 or 2, the JSON envelope or
one line per message, and no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import Result, cli
from .test_fuzz_params import check_shape


def build_corpus(folder: Path) -> dict[str, Path]:
    """Each nasty file by name (the name is also a valid table name)."""
    folder.mkdir(parents=True, exist_ok=True)
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = folder / "good.parquet"
    pq.write_table(pa.table({"id": list(range(200)), "name": [f"n{i}" for i in range(200)]}), good)
    parquet = good.read_bytes()
    contents: dict[str, bytes] = {
        "truncated.parquet": parquet[: len(parquet) // 2],
        "footless.parquet": parquet[:-8],
        "empty.parquet": b"",
        "magic_only.parquet": b"PAR1",
        "ragged.csv": b'a,b,c\n1,2,3\n4,5\n6,7,8,9\n"open quote,1\n',
        "mixed_encodings.csv": "name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1")
        + "Zo\u00eb,K\u00f6ln\n".encode(),
        "utf16.csv": "a,b\n1,2\n".encode("utf-16"),
        "nul_bytes.csv": b"a,b\n1,\x002\n3,4\n",
        "control_chars.csv": b"a,b\n\x1b[31mred,\x07\n",
        "binary.csv": os.urandom(4096),
        "changing.json": b'{"a": 1}\n{"a": [1, 2]}\n{"a": \n',
        "empty.csv": b"",
        "header_only.csv": b"a,b,c\n",
    }
    out = {"good": good}
    for name, data in contents.items():
        path = folder / name
        path.write_bytes(data)
        out[name.replace(".", "_")] = path
    return out


@pytest.fixture(scope="module")  # built without Mason: no MASON_HOME at module scope
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def one_message_per_line(json_run: Result, table_run: Result) -> None:
    """-o table prints each message of the JSON envelope as exactly one line."""
    envelope = json.loads(json_run.out) if json_run.out else None
    if envelope is None:  # refused before running: one error line both ways
        assert table_run.err == json_run.err
        return
    messages = len(envelope["Info"]) + len(envelope["Warnings"]) + len(envelope["Errors"])
    assert table_run.err.count("\n") == messages, table_run
    assert "Traceback" not in table_run.everything


@pytest.mark.parametrize(
    "name",
    [
        "truncated_parquet",
        "footless_parquet",
        "empty_parquet",
        "magic_only_parquet",
        "ragged_csv",
        "mixed_encodings_csv",
        "utf16_csv",
        "nul_bytes_csv",
        "control_chars_csv",
        "binary_csv",
        "changing_json",
        "empty_csv",
        "header_only_csv",
    ],
)
def test_infer_and_query_a_nasty_file(corpus: dict[str, Path], name: str) -> None:
    params = f"storage_path:{corpus[name]},database_name:nasty,table_name:{name}"
    inferred = cli("op", "table", "infer", "-p", params, "-o", "json")
    check_shape(inferred)
    assert inferred.code in (0, 1), inferred  # the input is a file that exists
    one_message_per_line(inferred, cli("op", "table", "infer", "-p", params, "-o", "table"))
    if inferred.code != 0:
        return
    query = f"database_name:nasty,query_string:SELECT * FROM {name}"
    queried = cli("op", "table", "query", "-p", query, "-o", "json")
    check_shape(queried)
    one_message_per_line(queried, cli("op", "table", "query", "-p", query, "-o", "table"))
