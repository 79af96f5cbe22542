"""Merge jobs: many CSV, JSON lines and parquet files with differing columns
become one dataset with the union of their columns.

The schema of the whole input is read first (file footers and CSV samples),
a group of files at a time; the files are then copied group by group, each
group cast to that schema, so
memory stays bounded by a group's working set, not the input's size, and
progress moves group by group. Nothing appears at the output path until the
last group is written.
"""

from __future__ import annotations

from mason.sdk.models import MergeJob
from mason.sdk.tabular import skipped_warning
from mason_local.jobs.datasets import (
    DatasetWriter,
    Output,
    check_columns,
    source_columns,
    writing_connection,
)
from mason_local.jobs.progress import statement_progress
from mason_local.jobs.runtime import JobOutcome, JobRun
from mason_local.jobs.sources import (
    conform_sql,
    find_inputs,
    grouped_schema,
    groups,
    read_sql,
)
from mason_local.paths import resolve_local
from mason_local.staging import staged_output


def run_merge(job: MergeJob, run: JobRun) -> JobOutcome:
    base = resolve_local(job.input_path, run.config.root)
    output = Output.of(
        run, job.output_path, job.format, job.overwrite, job.repartition_keys, (base,)
    )
    output.check()
    inputs = find_inputs(base, job.extract_paths, output.root)
    if inputs.damaged:
        run.warning(skipped_warning(f"merge of {base}", inputs.damaged))

    # DuckDB marks a column NOT NULL in parquet when its statistics show no
    # nulls; groups would then disagree on nullability. Plain copies lose nothing.
    con = writing_connection(run, {"disabled_optimizers": "statistics_propagation"})
    try:
        single = DatasetWriter.writes_single_file(output.target, output.format, output.partition_by)
        batches = [inputs.files] if single else groups(inputs.files)
        schema, present = grouped_schema(con, batches, job.parse_headers, inputs.hive)
        check_columns(job.repartition_keys, [name for name, _ in schema], "repartition_keys")
        first = read_sql(batches[0], job.parse_headers, inputs.hive)
        columns = source_columns(con, conform_sql(first, present[0], schema))
        rows = 0
        run.progress.start(
            f"merge {len(inputs.files)} files", len(inputs.files), inputs.total_bytes
        )
        try:
            with staged_output(output.target, output.overwrite, output.rules) as staging:
                writer = DatasetWriter(
                    con, output.target, staging, output.format, output.partition_by
                )
                for batch, found in zip(batches, present, strict=True):
                    query = read_sql(batch, job.parse_headers, inputs.hive)
                    if len(batches) > 1:
                        query = conform_sql(query, found, schema)
                    nbytes = sum(f.size for f in batch)
                    with statement_progress(con, run.progress, len(batch), nbytes):
                        rows += writer.write(query)
        finally:
            run.progress.finish()
        preview = writer.preview(output.target, rows, run.config.preview_rows)
    finally:
        con.close()
    return output.outcome(
        columns,
        preview,
        rows,
        {
            "files": len(inputs.files),
            "bytes": inputs.total_bytes,
            "skipped_files": len(inputs.skipped),
            "format": job.format,
        },
    )
