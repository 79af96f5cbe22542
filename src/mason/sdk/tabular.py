"""Tables made of files, whatever stores them: format detection, hive partitions,
sampled and footer schemas, unification into one table, Hive type mapping and DDL.

A storage client lists its files as :class:`DataFile` objects with a reader for
each, and :func:`infer_table` does the rest; see mason-local and mason-aws."""

from mason_core.tabular.formats import (
    PARQUET_MAGIC,
    PARQUET_TAIL_CHECK,
    TABLE_FORMATS,
    damaged_reason,
    format_from_head,
    format_from_name,
    is_compressed,
    skipped_warning,
)
from mason_core.tabular.hive import (
    arrow_type,
    decimal_parts,
    external_table_ddl,
    hive_ident,
    hive_type,
)
from mason_core.tabular.infer import (
    SKIPPED_FILES,
    DataFile,
    InferenceReport,
    infer_table,
    skipped_files,
)
from mason_core.tabular.partitions import partition_values
from mason_core.tabular.sampling import (
    FOOTER_TAIL_BYTES,
    cut_at_last_line,
    footer_schema,
    sample_schema,
    tail_footer_schema,
)
from mason_core.tabular.schema import FileSchema

__all__ = [
    "FOOTER_TAIL_BYTES",
    "PARQUET_MAGIC",
    "PARQUET_TAIL_CHECK",
    "SKIPPED_FILES",
    "TABLE_FORMATS",
    "DataFile",
    "FileSchema",
    "InferenceReport",
    "arrow_type",
    "cut_at_last_line",
    "damaged_reason",
    "decimal_parts",
    "external_table_ddl",
    "footer_schema",
    "format_from_head",
    "format_from_name",
    "hive_ident",
    "hive_type",
    "infer_table",
    "is_compressed",
    "partition_values",
    "sample_schema",
    "skipped_files",
    "skipped_warning",
    "tail_footer_schema",
]
