"""Inferring one table from the local files at a location: the files are
listed and read here, the table is assembled by :mod:`mason.sdk.tabular`."""

from __future__ import annotations

import re
from pathlib import Path

from mason.sdk.errors import NotFoundError
from mason.sdk.models import InferredTable
from mason.sdk.tabular import DataFile, infer_table
from mason_local.config import LocalClientConfig
from mason_local.inference.files import detect_format, read_schema
from mason_local.paths import confinement_root, data_files

#: below this many files per worker, threads cost more than they save.
_MIN_FILES_PER_TASK = 16


def default_table_name(location: Path) -> str:
    """A catalog-safe table name from a folder or file name."""
    stem = location.name if location.is_dir() else location.name.split(".", 1)[0]
    name = re.sub(r"\W+", "_", stem).strip("_")
    return name or "table"


def infer_location(
    location: Path, database_name: str, table_name: str | None, config: LocalClientConfig
) -> InferredTable:
    """The table the files at ``location`` (a file or folder) make up."""
    files = data_files(location, confinement_root(config.root))
    if not files:
        raise NotFoundError(f"no data files under {location}")
    base = location if location.is_dir() else location.parent
    listed = [
        DataFile(
            location=str(path),
            folder=path.parent.relative_to(base).parts,
            folder_location=str(path.parent),
            format=detect_format(path),
        )
        for path in files
    ]
    return infer_table(
        listed,
        lambda file: read_schema(file, config.csv_sample_bytes),
        database=database_name,
        name=table_name or default_table_name(location),
        location=str(location),
        workers=config.infer_workers,
        files_per_task=_MIN_FILES_PER_TASK,
    )
