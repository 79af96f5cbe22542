"""Table summaries: per-column statistics."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mason_core.models.base import CanonicalModel


class ValueCount(CanonicalModel):
    value: Any
    count: int


class ColumnSummary(CanonicalModel):
    name: str
    type: str
    count: int
    nulls: int
    distinct: int | None = None
    #: true when ``distinct`` is an estimate (HyperLogLog and friends).
    distinct_approximate: bool = False
    min: Any = None
    max: Any = None
    mean: float | None = None
    stddev: float | None = None
    top_values: list[ValueCount] = Field(default_factory=list)


class TableSummary(CanonicalModel):
    table: str
    database: str | None = None
    row_count: int
    columns: list[ColumnSummary] = Field(default_factory=list)
