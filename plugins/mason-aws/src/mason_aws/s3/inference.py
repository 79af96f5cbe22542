"""Inferring a table from the objects under an S3 prefix.

One listing (paged), then the objects' schemas read concurrently: footers of
parquet, samples of CSV and JSON lines. The most common format and the most
common ``key=value`` folder layout make the table; other objects are skipped
and reported, as is an object that cannot be read. Columns whose types
differ between objects are widened when arrow can (int64 + double -> double)
and otherwise become strings, with a :class:`SchemaConflict` naming the files.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from mason_aws.s3.listing import S3Object, data_objects
from mason_aws.s3.paths import S3Location
from mason_aws.s3.readers import (
    FORMATS,
    ObjectSchema,
    csv_schema,
    format_of,
    jsonl_schema,
    read_parquet_schema,
    read_sample,
)
from mason_core.errors import MasonRuntimeError, NotFoundError
from mason_core.models import Column, InferredTable, Partition, Schema, SchemaConflict, Table

if TYPE_CHECKING:
    import pyarrow

    from mason_aws.s3.storage import S3Storage

_INT = re.compile(r"^-?\d{1,18}$")


def infer_s3(
    storage: S3Storage, loc: S3Location, database_name: str, table_name: str | None
) -> InferredTable:
    client = storage.client_name
    found = data_objects(storage.s3, client, loc)
    if not found:
        if not storage.exists(loc.uri):
            storage.missing(loc)
        raise NotFoundError(f"{client}: no data objects under {loc.uri}")
    single = len(found) == 1 and found[0].key == loc.key
    base = loc.key.rpartition("/")[0] + "/" if single else loc.prefix
    warnings: list[str] = []
    skipped: list[str] = []

    fmt, chosen = _dominant_format(found, loc, warnings, skipped)
    chosen, keys, partitions = _dominant_layout(chosen, base, loc, warnings, skipped)
    schemas = _read_all(storage, loc.bucket, fmt, chosen, warnings, skipped)
    if not schemas:
        raise MasonRuntimeError(f"{client}: no readable {fmt} objects under {loc.uri}")

    columns, conflicts = _unify(schemas, warnings)
    columns = [c for c in columns if c.name not in keys]
    properties = dict(schemas[0].properties)
    rows = [s.rows for s in schemas]
    if all(r is not None for r in rows):
        properties["record_count"] = str(sum(r or 0 for r in rows))
    name = table_name or _default_name(loc, single)
    location = loc.uri if single else f"s3://{loc.bucket}/{loc.prefix}"
    table = Table(
        name=name,
        database=database_name,
        location=location,
        format=fmt,
        table_schema=Schema(columns=columns, schema_type=fmt),
        partition_keys=[
            Column(name=k, type=_partition_type([p[k] for p in partitions.values()])) for k in keys
        ],
        partitions=[
            Partition(values=values, location=f"s3://{loc.bucket}/{folder}")
            for folder, values in sorted(partitions.items())
        ]
        if keys
        else None,
        properties=properties,
        file_count=len(schemas),
        size_bytes=sum(o.size for o in chosen),
    )
    return InferredTable(table=table, conflicts=conflicts, warnings=warnings, skipped_files=skipped)


def _dominant_format(
    found: list[S3Object], loc: S3Location, warnings: list[str], skipped: list[str]
) -> tuple[str, list[S3Object]]:
    by_format: dict[str | None, list[S3Object]] = {}
    for obj in found:
        by_format.setdefault(format_of(obj.key), []).append(obj)
    counts = Counter({f: len(v) for f, v in by_format.items() if f is not None})
    if not counts:
        raise MasonRuntimeError(
            f"no parquet, CSV or JSON lines objects among {len(found)} under {loc.uri}"
        )
    fmt = max(FORMATS, key=lambda f: (counts[f], -FORMATS.index(f)))
    for other, objs in by_format.items():
        if other != fmt:
            skipped.extend(f"s3://{loc.bucket}/{o.key}" for o in objs)
            what = f"{other} objects" if other else "not parquet, CSV or JSON lines"
            warnings.append(f"skipped {len(objs)} object(s): {what}; the table is {fmt}")
    return fmt, by_format[fmt]


def _dominant_layout(
    objs: list[S3Object], base: str, loc: S3Location, warnings: list[str], skipped: list[str]
) -> tuple[list[S3Object], list[str], dict[str, dict[str, str]]]:
    """Objects in the most common ``key=value`` layout, its keys, and its folders."""
    layouts: list[tuple[str, list[tuple[str, str]] | None]] = []
    for obj in objs:
        folder = obj.key[len(base) :].rpartition("/")[0]
        split = [p.partition("=") for p in folder.split("/")] if folder else []
        ok = all(sep and k and v for k, sep, v in split)
        layouts.append((folder, [(k, v) for k, _, v in split] if ok else None))
    if any(pairs is None for _, pairs in layouts):
        if any(pairs for _, pairs in layouts):
            warnings.append("some folders are not key=value: the table is unpartitioned")
        return objs, [], {}
    shape = Counter(tuple(k for k, _ in pairs or []) for _, pairs in layouts)
    keys = max(shape, key=lambda s: (shape[s], -len(s)))
    kept: list[S3Object] = []
    partitions: dict[str, dict[str, str]] = {}
    for obj, (folder, pairs) in zip(objs, layouts, strict=True):
        if tuple(k for k, _ in pairs or []) == keys:
            kept.append(obj)
            if folder:
                partitions[base + folder + "/"] = dict(pairs or [])
        else:
            skipped.append(f"s3://{loc.bucket}/{obj.key}")
    if len(kept) < len(objs):
        warnings.append(
            f"skipped {len(objs) - len(kept)} object(s): partition layout differs from "
            f"{'/'.join(keys) or 'unpartitioned'}"
        )
    return kept, list(keys), partitions


def _read_all(
    storage: S3Storage,
    bucket: str,
    fmt: str,
    objs: list[S3Object],
    warnings: list[str],
    skipped: list[str],
) -> list[ObjectSchema]:
    sample = storage.config.sample_bytes

    def one(obj: S3Object) -> ObjectSchema | Exception:
        path = f"{bucket}/{obj.key}"
        try:
            if fmt == "parquet":
                return read_parquet_schema(storage.s3, bucket, obj.key)
            data = read_sample(storage.aws.s3fs, path, obj.size, sample)
            return csv_schema(path, data) if fmt == "csv" else jsonl_schema(path, data)
        except Exception as exc:  # one bad object is reported, never fatal
            return exc

    workers = max(1, min(storage.config.infer_workers, len(objs)))
    if workers == 1:
        results = [one(o) for o in objs]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mason-s3-infer") as pool:
            results = list(pool.map(one, objs))
    failed = [(o, r) for o, r in zip(objs, results, strict=True) if isinstance(r, Exception)]
    if failed:
        skipped.extend(f"s3://{bucket}/{o.key}" for o, _ in failed)
        shown = "; ".join(f"{o.key}: {_one_line(e)}" for o, e in failed[:3])
        more = f" (+{len(failed) - 3} more)" if len(failed) > 3 else ""
        warnings.append(f"skipped {len(failed)} unreadable object(s): {shown}{more}")
    return [r for r in results if isinstance(r, ObjectSchema)]


def _unify(
    schemas: list[ObjectSchema], warnings: list[str]
) -> tuple[list[Column], list[SchemaConflict]]:
    """One column per name, in order of first appearance."""
    import pyarrow as pa

    seen: dict[str, dict[str, list[str]]] = {}
    types: dict[str, dict[str, pyarrow.DataType]] = {}
    for s in schemas:
        for f in s.schema:
            seen.setdefault(f.name, {}).setdefault(str(f.type), []).append(f"s3://{s.key}")
            types.setdefault(f.name, {})[str(f.type)] = f.type
    columns, conflicts = [], []
    for name, variants in seen.items():
        distinct = [t for t in types[name].values() if not pa.types.is_null(t)]
        if len(distinct) <= 1:
            kind = str(distinct[0]) if distinct else "string"
        else:
            try:
                fields = [pa.schema([pa.field(name, t)]) for t in distinct]
                kind = str(pa.unify_schemas(fields, promote_options="permissive").field(0).type)
                warnings.append(f"column '{name}' widened to {kind} ({', '.join(variants)})")
            except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
                kind = "string"
                conflicts.append(SchemaConflict(column=name, types=variants))
                warnings.append(
                    f"column '{name}' has incompatible types ({', '.join(sorted(variants))}); "
                    "read as string"
                )
        columns.append(Column(name=name, type=kind))
    return columns, conflicts


def _partition_type(values: list[str]) -> str:
    return "int64" if values and all(_INT.match(v) for v in values) else "string"


def _default_name(loc: S3Location, single: bool) -> str:
    last = loc.key.rstrip("/").rpartition("/")[2] or loc.bucket
    stem = last.split(".", 1)[0] if single else last
    return re.sub(r"\W+", "_", stem).strip("_") or "table"


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__
