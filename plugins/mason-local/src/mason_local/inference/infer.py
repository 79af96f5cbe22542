"""Inferring one table from the local files at a location: the files are
listed and read here, the table is assembled by :mod:`mason.sdk.tabular`."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mason.sdk.errors import NotFoundError
from mason.sdk.models import InferredTable, Table
from mason.sdk.progress import NO_PROGRESS, Progress
from mason.sdk.tabular import DataFile, FileSchema, infer_table
from mason_local.config import LocalClientConfig
from mason_local.inference.files import detect_format, read_schema
from mason_local.paths import confinement_root, data_file_names, listing_signature

#: the table property set when every parquet file had the same columns at
#: inference: the listing's signature then (:func:`listing_signature`).
UNIFORM_FILES = "uniform_files"

#: below this many files per worker, threads cost more than they save.
_MIN_FILES_PER_TASK = 16


def default_table_name(location: Path) -> str:
    """A catalog-safe table name from a folder or file name."""
    stem = location.name if location.is_dir() else location.name.split(".", 1)[0]
    name = re.sub(r"\W+", "_", stem).strip("_")
    return name or "table"


def infer_location(
    location: Path,
    database_name: str,
    table_name: str | None,
    config: LocalClientConfig,
    progress: Progress = NO_PROGRESS,
) -> InferredTable:
    """The table the files at ``location`` (a file or folder) make up. A Delta
    table's folder is described from its ``_delta_log``: its parquet files
    include ones later versions removed, so they are not read as a table."""
    from mason_local.delta.tables import is_delta_folder

    if is_delta_folder(location):
        from mason.sdk.delta import describe

        entry = Table(
            name=table_name or default_table_name(location),
            database=database_name,
            location=str(location),
            format="delta",
        )
        return InferredTable(table=describe(entry).model_copy(update={"format_metadata": None}))
    files = data_file_names(location, confinement_root(config.root))
    if not files:
        raise NotFoundError(f"no data files under {location}")
    base = location if location.is_dir() else location.parent
    # string slicing, not Path.relative_to: per-file Python cost is what
    # inference over thousands of small files spends its time on
    prefix = str(base).rstrip(os.sep) + os.sep
    listed = []
    for text in files:
        parent = os.path.dirname(text)
        inner = parent[len(prefix) :] if parent.startswith(prefix) else ""
        listed.append(
            DataFile(
                location=text,
                folder=tuple(inner.split(os.sep)) if inner else (),
                folder_location=parent,
                format=detect_format(text),
            )
        )
    footers: list[tuple[tuple[str, str], ...]] = []

    def read(file: DataFile) -> FileSchema:
        schema = read_schema(file, config.csv_sample_bytes)
        if schema.format == "parquet":
            footers.append(tuple(schema.columns))  # list.append: safe across threads
        return schema

    inferred = infer_table(
        listed,
        read,
        database=database_name,
        name=table_name or default_table_name(location),
        location=str(location),
        workers=config.infer_workers,
        files_per_task=_MIN_FILES_PER_TASK,
        progress=progress,
    )
    parquet = [f.location for f in listed if f.format == "parquet"]
    table = inferred.table
    if table.format == "parquet" and len(footers) == len(parquet) and len(set(footers)) == 1:
        # every file has the same columns: readers need not unify schemas
        # while this listing stands (see mason_local.jobs.tables.scan_sql)
        table.properties[UNIFORM_FILES] = listing_signature(parquet)
    return inferred
