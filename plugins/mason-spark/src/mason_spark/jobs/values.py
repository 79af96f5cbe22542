"""Spark rows and schemas as job records hold them: JSON-safe values and
columns in the catalog's type names."""

from __future__ import annotations

import base64
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mason.sdk.models import Column
from mason_spark.typenames import arrow_type_name

if TYPE_CHECKING:
    from pyspark.sql import Row
    from pyspark.sql.types import StructType


def json_safe(value: Any) -> Any:
    """``value`` as something ``json.dumps`` writes faithfully."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "asDict"):
        return json_safe(value.asDict(recursive=True))
    return str(value)


def rows_of(rows: list[Row]) -> list[dict[str, Any]]:
    return [{k: json_safe(v) for k, v in row.asDict(recursive=True).items()} for row in rows]


def columns_of(schema: StructType) -> list[Column]:
    return [
        Column(name=f.name, type=arrow_type_name(f.dataType), nullable=f.nullable)
        for f in schema.fields
    ]
