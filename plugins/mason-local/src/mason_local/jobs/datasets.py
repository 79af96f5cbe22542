"""Writing a job's rows as a dataset: DuckDB ``COPY`` into a staging folder,
optionally hive-partitioned, one statement per input group.

Every statement of a job writes into the same staging folder under its own
file names, so a job that reads its input in groups still commits one
dataset, all at once, when the last group is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import MasonUsageError
from mason.sdk.models import Column, OutputFormat, Table
from mason_local.jobs.progress import statement_progress
from mason_local.jobs.results import (
    EXTENSIONS,
    READERS,
    arrow_table,
    columns_of,
    copy_sql,
    output_file_name,
    rows_of,
)
from mason_local.jobs.runtime import JobOutcome
from mason_local.jobs.sql import ident, literal, query_error
from mason_local.jobs.tables import table_files
from mason_local.paths import confinement_root, resolve_local
from mason_local.staging import Replaceable, check_target, staged_output

if TYPE_CHECKING:
    import duckdb

    from mason_local.jobs.runtime import JobRun

#: DuckDB's memory limit for writing jobs when the client sets none: DuckDB
#: would otherwise take 80% of the machine, and its streaming copies need little.
DEFAULT_MEMORY_LIMIT = "512MB"


@dataclass
class Output:
    """Where and how a job writes its result."""

    target: Path
    format: OutputFormat
    overwrite: bool = False
    partition_by: list[str] = field(default_factory=list)
    #: what the job reads, the local root and MASON_HOME: never replaced.
    inputs: tuple[Path, ...] = ()
    root: Path | None = None
    home: Path | None = None

    @classmethod
    def of(
        cls,
        run: JobRun,
        output_path: str,
        fmt: OutputFormat,
        overwrite: bool,
        partition_by: list[str] | None = None,
        inputs: tuple[Path, ...] = (),
    ) -> Output:
        """The output at ``output_path`` (resolved and confined) of a job reading ``inputs``."""
        return cls(
            resolve_local(output_path, run.config.root),
            fmt,
            overwrite,
            list(partition_by or []),
            inputs,
            confinement_root(run.config.root),
            run.home,
        )

    @property
    def rules(self) -> Replaceable:
        return Replaceable.of_format(self.format, self.inputs, self.root, self.home)

    def check(self) -> None:
        """Fail before any work when the output would clobber its input, an
        existing output (without overwrite) or anything not a previous output."""
        check_target(self.target, self.overwrite, self.rules)

    def outcome(
        self,
        columns: list[Column],
        preview: list[dict[str, Any]],
        rows: int,
        metrics: dict[str, int | float | str],
    ) -> JobOutcome:
        """The job's result: what was written here, and how it went."""
        return JobOutcome(
            result_location=str(self.target),
            columns=columns,
            preview=preview,
            row_count=rows,
            metrics=metrics,
        )


def table_output(
    table: Table,
    run: JobRun,
    output_path: str,
    fmt: OutputFormat,
    overwrite: bool,
    partition_by: list[str] | None = None,
) -> tuple[Output, list[Path]]:
    """The checked output of a job that rewrites a catalog table, and the
    table's files (read now, so a table without files fails before any work)."""
    source = resolve_local(table.location or "", run.config.root)
    output = Output.of(run, output_path, fmt, overwrite, partition_by, (source,))
    files = table_files(table, run.config, run.warning)
    output.check()
    return output, files


def writing_connection(
    run: JobRun, settings: dict[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """The run's DuckDB connection with ``settings``, memory-bounded even when
    unconfigured."""
    progress = {"enable_progress_bar": "true", "enable_progress_bar_print": "false"}
    wanted = {"memory_limit": DEFAULT_MEMORY_LIMIT, **progress, **(settings or {})}
    return run.duckdb(wanted)


def check_columns(names: list[str], available: list[str], what: str) -> None:
    missing = [n for n in names if n not in available]
    if missing:
        raise MasonUsageError(
            f"{what} {', '.join(missing)} not among the columns ({', '.join(available)})"
        )


class DatasetWriter:
    """Writes queries into ``staging``: a single file when ``target`` names one
    (an extension of the format, no partitions), else a folder of part files,
    hive-partitioned by ``partition_by``."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        target: Path,
        staging: Path,
        fmt: OutputFormat,
        partition_by: list[str],
    ) -> None:
        self.con = con
        self.staging = staging
        self.format: OutputFormat = fmt
        self.partition_by = list(partition_by)
        self.single_file = self.writes_single_file(target, fmt, partition_by)
        if not self.single_file:
            staging.mkdir()
        self.parts = 0

    @staticmethod
    def writes_single_file(target: Path, fmt: OutputFormat, partition_by: list[str]) -> bool:
        """Whether a writer of ``target`` writes one file (else a folder of parts)."""
        return not partition_by and output_file_name(target, fmt) is not None

    def write(self, query: str) -> int:
        """Write the rows of ``query``; return how many were written."""
        import duckdb

        if self.single_file and self.parts:
            raise RuntimeError("a single-file output takes one query")
        options = ""
        if self.single_file:
            destination = self.staging
        elif self.partition_by:
            keys = ", ".join(ident(k) for k in self.partition_by)
            pattern = literal(f"part-{self.parts:05d}-{{i}}")
            options = f"PARTITION_BY ({keys}), FILENAME_PATTERN {pattern}, OVERWRITE_OR_IGNORE"
            destination = self.staging
        else:
            destination = self.staging / f"part-{self.parts:05d}{EXTENSIONS[self.format][0]}"
        self.parts += 1
        try:
            copied = self.con.execute(copy_sql(query, destination, self.format, options)).fetchone()
        except duckdb.Error as exc:
            raise query_error(exc, "cannot write the output") from exc
        return int(copied[0]) if copied else 0

    def reader_at(self, location: Path) -> str:
        """A query reading back what was written, once it is at ``location``."""
        reader = READERS[self.format]
        if self.single_file:
            return f"SELECT * FROM {reader}({literal(str(location))})"
        pattern = literal(str(location / "**" / f"*{EXTENSIONS[self.format][0]}"))
        hive = "true" if self.partition_by else "false"
        return f"SELECT * FROM {reader}({pattern}, hive_partitioning = {hive})"

    def preview(self, location: Path, rows_written: int, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` rows read back from ``location`` (the committed output)."""
        if not rows_written or limit <= 0:
            return []
        return rows_of(arrow_table(self.con.sql(f"{self.reader_at(location)} LIMIT {int(limit)}")))


def source_columns(con: duckdb.DuckDBPyConnection, query: str) -> list[Column]:
    """The columns ``query`` returns, in arrow's spelling, reading no rows."""
    import duckdb

    try:
        return columns_of(arrow_table(con.sql(f"SELECT * FROM ({query}) LIMIT 0")).schema)
    except duckdb.Error as exc:
        raise query_error(exc, "cannot read the input") from exc


def write_once(
    con: duckdb.DuckDBPyConnection,
    run: JobRun,
    query: str,
    output: Output,
    description: str,
    files: list[Path],
) -> tuple[int, list[dict[str, Any]]]:
    """Write ``query`` (which reads ``files``) to ``output`` in one statement,
    with progress; return the rows written and a preview of the output."""
    nbytes = sum(p.stat().st_size for p in files)
    run.progress.start(description, len(files), nbytes)
    try:
        with staged_output(output.target, output.overwrite, output.rules) as staging:
            writer = DatasetWriter(con, output.target, staging, output.format, output.partition_by)
            with statement_progress(con, run.progress, len(files), nbytes):
                rows = writer.write(query)
    finally:
        run.progress.finish()
    return rows, writer.preview(output.target, rows, run.config.preview_rows)
