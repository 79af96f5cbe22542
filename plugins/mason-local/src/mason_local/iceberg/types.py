"""Column types between Mason's canonical (arrow) names and Iceberg's types."""

from __future__ import annotations

import re
from typing import Any

from mason.sdk.errors import MasonUsageError

_DECIMAL = re.compile(r"^decimal(?:128|256)?\(\s*(\d+)\s*,\s*(\d+)\s*\)$")

#: canonical name -> pyiceberg type class name
_TO_ICEBERG = {
    "bool": "BooleanType",
    "boolean": "BooleanType",
    "int8": "IntegerType",
    "int16": "IntegerType",
    "int32": "IntegerType",
    "int": "IntegerType",
    "integer": "IntegerType",
    "int64": "LongType",
    "long": "LongType",
    "bigint": "LongType",
    "float": "FloatType",
    "halffloat": "FloatType",
    "double": "DoubleType",
    "string": "StringType",
    "large_string": "StringType",
    "binary": "BinaryType",
    "large_binary": "BinaryType",
    "date32[day]": "DateType",
    "date": "DateType",
    "time64[us]": "TimeType",
    "timestamp[us]": "TimestampType",
    "timestamp[ms]": "TimestampType",
    "timestamp[s]": "TimestampType",
    "timestamp[ns]": "TimestampType",
    "timestamp": "TimestampType",
}

_FROM_ICEBERG = {
    "BooleanType": "bool",
    "IntegerType": "int32",
    "LongType": "int64",
    "FloatType": "float",
    "DoubleType": "double",
    "StringType": "string",
    "BinaryType": "binary",
    "DateType": "date32[day]",
    "TimeType": "time64[us]",
    "TimestampType": "timestamp[us]",
    "TimestamptzType": "timestamp[us, tz=UTC]",
    "UUIDType": "string",
}


def iceberg_type(name: str) -> Any:
    """The pyiceberg primitive type for a canonical type name; a type Iceberg
    has no primitive for is a usage error."""
    from pyiceberg import types

    text = name.strip().lower()
    match = _DECIMAL.match(text)
    if match:
        return types.DecimalType(int(match.group(1)), int(match.group(2)))
    if text.startswith("timestamp[") and "tz=" in text:
        return types.TimestamptzType()
    if text in _TO_ICEBERG:
        return getattr(types, _TO_ICEBERG[text])()
    raise MasonUsageError(f"type '{name}' has no Iceberg equivalent (e.g. int64, double, string)")


def canonical_type(kind: Any) -> str:
    """Mason's canonical name for a pyiceberg type (nested types as Iceberg prints them)."""
    from pyiceberg import types

    if isinstance(kind, types.DecimalType):
        return f"decimal128({kind.precision}, {kind.scale})"
    return _FROM_ICEBERG.get(type(kind).__name__, str(kind))
