"""Canonical tables to Glue's ``TableInput`` and back.

Formats map to the Hive input/output formats and SerDes that Athena, Spark
and Glue's own crawlers use, so a table Mason registers reads the same in
all of them, and a crawler's table reads back with its format and columns.
"""

from __future__ import annotations

from typing import Any

from mason.sdk.models import Column, Partition, Schema, Table
from mason.sdk.tabular import arrow_type, hive_type

_TEXT_IN = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
_FORMATS: dict[str, tuple[str, str, str]] = {
    "parquet": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    ),
    "csv": (_TEXT_IN, _TEXT_OUT, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
    "jsonl": (_TEXT_IN, _TEXT_OUT, "org.openx.data.jsonserde.JsonSerDe"),
}
#: Glue's ``classification`` parameter for each format, and back.
_CLASSIFICATION = {"parquet": "parquet", "csv": "csv", "jsonl": "json"}
_FROM_CLASSIFICATION = {v: k for k, v in _CLASSIFICATION.items()}
CREATED_BY = "mason:created_by"


def _columns(columns: list[Column]) -> list[dict[str, str]]:
    out = []
    for c in columns:
        item = {"Name": c.name, "Type": hive_type(c.type)}
        if c.description:
            item["Comment"] = c.description
        out.append(item)
    return out


def storage_descriptor(table: Table, location: str | None = None) -> dict[str, Any]:
    fmt = table.format or "parquet"
    input_format, output_format, serde = _FORMATS.get(fmt, _FORMATS["parquet"])
    serde_params: dict[str, str] = {}
    if fmt == "csv":
        serde_params["field.delim"] = table.properties.get("delimiter", ",")
    return {
        "Columns": _columns(table.table_schema.columns),
        "Location": location or table.location or "",
        "InputFormat": input_format,
        "OutputFormat": output_format,
        "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params},
    }


def table_input(table: Table) -> dict[str, Any]:
    parameters = {k: str(v) for k, v in table.properties.items()}
    parameters["classification"] = _CLASSIFICATION.get(table.format or "", table.format or "")
    parameters[CREATED_BY] = table.created_by or "mason"
    if table.format == "csv" and table.properties.get("header", "true") == "true":
        parameters["skip.header.line.count"] = "1"
    return {
        "Name": table.name,
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": storage_descriptor(table),
        "PartitionKeys": _columns(table.partition_keys),
        "Parameters": parameters,
    }


def partition_input(table: Table, partition: Partition) -> dict[str, Any]:
    return {
        "Values": [partition.values.get(k.name, "") for k in table.partition_keys],
        "StorageDescriptor": storage_descriptor(table, partition.location),
    }


def _format(descriptor: dict[str, Any], parameters: dict[str, str]) -> str | None:
    classification = parameters.get("classification", "").lower()
    if classification in _FROM_CLASSIFICATION:
        return _FROM_CLASSIFICATION[classification]
    serde = descriptor.get("SerdeInfo", {}).get("SerializationLibrary", "")
    for fmt, (input_format, _, library) in _FORMATS.items():
        if serde == library or (fmt == "parquet" and descriptor.get("InputFormat") == input_format):
            return fmt
    return classification or None


def from_glue(
    database_name: str, answer: dict[str, Any], partitions: list[dict[str, Any]] | None = None
) -> Table:
    """A canonical table from ``GetTable``'s ``Table`` (and ``GetPartitions``)."""
    descriptor = answer.get("StorageDescriptor") or {}
    parameters = {str(k): str(v) for k, v in (answer.get("Parameters") or {}).items()}
    fmt = _format(descriptor, parameters)
    keys = [
        Column(name=k["Name"], type=arrow_type(k.get("Type", "string")))
        for k in answer.get("PartitionKeys") or []
    ]
    crawler = parameters.get("UPDATED_BY_CRAWLER")
    created_by = (
        f"crawler:{crawler}" if crawler else parameters.get(CREATED_BY) or answer.get("CreatedBy")
    )
    properties = {k: v for k, v in parameters.items() if k not in ("classification", CREATED_BY)}
    delimiter = (descriptor.get("SerdeInfo") or {}).get("Parameters", {}).get("field.delim")
    if fmt == "csv" and delimiter:
        properties.setdefault("delimiter", delimiter)
    if fmt == "csv":
        properties.setdefault(
            "header", "true" if parameters.get("skip.header.line.count") == "1" else "false"
        )
    return Table(
        name=answer["Name"],
        database=database_name,
        location=descriptor.get("Location") or None,
        format=fmt,
        table_schema=Schema(
            columns=[
                Column(
                    name=c["Name"],
                    type=arrow_type(c.get("Type", "string")),
                    description=c.get("Comment"),
                )
                for c in descriptor.get("Columns") or []
            ],
            schema_type="glue",
        ),
        partition_keys=keys,
        partitions=[
            Partition(
                values=dict(zip([k.name for k in keys], p.get("Values", []), strict=False)),
                location=(p.get("StorageDescriptor") or {}).get("Location", ""),
            )
            for p in partitions
        ]
        if partitions is not None and keys
        else None,
        created_at=answer.get("CreateTime"),
        updated_at=answer.get("UpdateTime"),
        created_by=created_by or "glue",
        properties=properties,
    )
