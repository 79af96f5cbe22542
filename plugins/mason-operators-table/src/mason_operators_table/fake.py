"""Deterministic synthetic tables for demos and tests.

Each column draws from its own generator seeded by the seed and the column's
name, so the same seed gives the same values whatever the chunking, and adding
a column leaves the others unchanged. Python's ``random`` is used because its
sequence for a given seed is stable across Python versions.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from mason import ParameterError

#: rows generated and written at a time, so memory stays small for any row count.
CHUNK_ROWS = 65_536

_WORDS = (
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
)  # fmt: skip
_EPOCH = date(2020, 1, 1)
_ALIASES = {
    "int": "integer",
    "integer": "integer",
    "long": "integer",
    "id": "id",
    "float": "double",
    "double": "double",
    "number": "double",
    "str": "string",
    "string": "string",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
}
TYPES = ("id", "integer", "double", "string", "boolean", "date", "timestamp")
DEFAULT_COLUMNS = [
    "id:id",
    "name:string",
    "quantity:integer",
    "price:double",
    "active:boolean",
    "created:date",
]


@dataclass(frozen=True)
class FakeColumn:
    name: str
    type: str


def parse_columns(items: list[str]) -> list[FakeColumn]:
    """``["id:id", "price:double", "note"]`` (type defaults to string) as columns."""
    columns: list[FakeColumn] = []
    problems = []
    for item in items:
        name, _, kind = item.partition(":")
        name, kind = name.strip(), (kind.strip().lower() or "string")
        if not name:
            problems.append(f"'{item}' names no column")
        elif kind not in _ALIASES:
            problems.append(f"column '{name}': unknown type '{kind}' (types: {', '.join(TYPES)})")
        elif any(c.name == name for c in columns):
            problems.append(f"column '{name}' given twice")
        else:
            columns.append(FakeColumn(name, _ALIASES[kind]))
    if not columns and not problems:
        problems.append("no columns given")
    if problems:
        raise ParameterError([f"parameter 'columns': {p}" for p in problems])
    return columns


_START = datetime(_EPOCH.year, _EPOCH.month, _EPOCH.day)
_DRAW: dict[str, Callable[[random.Random], Any]] = {
    "integer": lambda rng: rng.randrange(1000),
    "double": lambda rng: round(rng.uniform(0, 1000), 2),
    "string": lambda rng: rng.choice(_WORDS),
    "boolean": lambda rng: rng.random() < 0.5,
    "date": lambda rng: _EPOCH + timedelta(days=rng.randrange(5 * 365)),
    "timestamp": lambda rng: _START + timedelta(seconds=rng.randrange(5 * 365 * 86400)),
}


def values(column: FakeColumn, seed: int) -> Iterator[Any]:
    """The column's endless value sequence for ``seed``; ``id`` counts from 1."""
    if column.type == "id":
        return itertools.count(1)
    rng = random.Random(f"{seed}:{column.name}:{column.type}")
    draw = _DRAW[column.type]
    return (draw(rng) for _ in itertools.repeat(None))


def write_fake(
    destination: Path, columns: list[FakeColumn], rows: int, seed: int, fmt: str
) -> None:
    """Write ``rows`` rows to the file ``destination`` as parquet or CSV."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    kinds = {
        "id": pa.int64(),
        "integer": pa.int64(),
        "double": pa.float64(),
        "string": pa.string(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
    }
    schema = pa.schema([(c.name, kinds[c.type]) for c in columns])
    streams = [values(c, seed) for c in columns]
    writer: Any = (
        pq.ParquetWriter(destination, schema)
        if fmt == "parquet"
        else pcsv.CSVWriter(destination, schema)
    )
    try:
        done = 0
        while True:  # at least once, so zero rows still give a file with the schema
            n = min(CHUNK_ROWS, rows - done)
            arrays = [
                pa.array([next(s) for _ in range(n)], type=field.type)
                for s, field in zip(streams, schema, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            done += n
            if done >= rows:
                break
    finally:
        writer.close()
