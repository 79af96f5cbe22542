"""What a plugin hands the conformance kit: an engine built over a small seeded
dataset, and the names under which the dataset can be found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mason.sdk.engines import ExecutionEngine, MetastoreEngine, SchedulerEngine, StorageEngine
from mason.sdk.models import Dag, Job, Schedule

#: a name no check expects to exist (databases, tables, paths, jobs, DAGs), valid
#: as any of them everywhere: lowercase letters only, so a valid S3 bucket too.
MISSING = "masonconformancemissing"
#: the sample table's columns, in order.
SAMPLE_COLUMNS = ("id", "name")
SAMPLE_ROWS: tuple[tuple[int, str], ...] = ((1, "ada"), (2, "grace"), (3, "edsger"))
#: the file name ``write_sample_files`` writes.
SAMPLE_FILE = "part-0.csv"


def sample_csv() -> bytes:
    """The sample table as one CSV file with a header row."""
    lines = [",".join(SAMPLE_COLUMNS)] + [f"{i},{name}" for i, name in SAMPLE_ROWS]
    return ("\n".join(lines) + "\n").encode()


def write_sample_files(directory: Path) -> Path:
    """Write the sample table as CSV under ``directory``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / SAMPLE_FILE).write_bytes(sample_csv())
    return directory


@dataclass
class _Case:
    #: secret values of the client's configuration: none may appear in a repr or error.
    secrets: list[str] = field(default_factory=list, kw_only=True)


@dataclass
class MetastoreCase(_Case):
    """A metastore holding ``database`` with ``table`` (columns ``SAMPLE_COLUMNS``)."""

    engine: MetastoreEngine
    #: an existing database holding ``table``.
    database: str
    #: an existing table with the sample columns (``SAMPLE_COLUMNS``).
    table: str
    #: for a client serving table formats (``TABLE_FORMATS``): a table of one of
    #: them in ``database`` holding the sample rows (``SAMPLE_ROWS``), committed
    #: in one or more snapshots. Required when any table-format verb is served.
    format_table: str | None = None


@dataclass
class StorageCase(_Case):
    """A storage with the sample files under ``root`` and an empty ``scratch``."""

    engine: StorageEngine
    #: a directory (or prefix) holding the sample files (``write_sample_files``).
    root: str
    #: an empty directory (or prefix) the checks may write into.
    scratch: str
    #: a local directory the checks may create files in (for ``save``).
    local_dir: Path


@dataclass
class ExecutionCase(_Case):
    """An execution engine and a job it runs to success."""

    engine: ExecutionEngine
    #: a job this client runs to success.
    job: Job


@dataclass
class SchedulerCase(_Case):
    """A scheduler and a DAG (with an optional schedule) it can register."""

    engine: SchedulerEngine
    #: a DAG this client can register.
    dag: Dag
    schedule: Schedule | None = None
