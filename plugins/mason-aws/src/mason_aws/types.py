"""Column types between Mason's canonical (arrow) spelling and the Hive
spelling Glue and Athena use, both ways."""

from __future__ import annotations

import re

_DECIMAL_ARROW = re.compile(r"^decimal(?:128|256)?\((\d+),\s*(-?\d+)\)$")
_DECIMAL_HIVE = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")

_TO_HIVE = {
    "bool": "boolean",
    "int8": "tinyint",
    "int16": "smallint",
    "int32": "int",
    "int64": "bigint",
    "uint8": "smallint",
    "uint16": "int",
    "uint32": "bigint",
    "uint64": "bigint",
    "halffloat": "float",
    "float": "float",
    "double": "double",
    "string": "string",
    "large_string": "string",
    "binary": "binary",
    "large_binary": "binary",
    "date32[day]": "date",
    "date64[ms]": "date",
    "null": "string",
}
_FROM_HIVE = {
    "boolean": "bool",
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "integer": "int32",
    "bigint": "int64",
    "float": "float",
    "double": "double",
    "string": "string",
    "varchar": "string",
    "char": "string",
    "binary": "binary",
    "date": "date32[day]",
    "timestamp": "timestamp[ms]",
}


def hive_type(arrow_type: str) -> str:
    """Hive's name for an arrow type; nested and unknown types become string."""
    if arrow_type in _TO_HIVE:
        return _TO_HIVE[arrow_type]
    if arrow_type.startswith("timestamp["):
        return "timestamp"
    match = _DECIMAL_ARROW.match(arrow_type)
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return "string"


def arrow_type(hive: str) -> str:
    """The canonical name for a Hive type; complex types are kept as Hive spells them."""
    name = hive.strip().lower()
    base = name.split("(", 1)[0]
    match = _DECIMAL_HIVE.match(name)
    if match:
        return f"decimal128({match.group(1)}, {match.group(2)})"
    return _FROM_HIVE.get(base, name)
