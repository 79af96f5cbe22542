"""``table fake``: synthetic data written through the storage engine.

The file is generated in a private scratch folder under MASON_HOME and handed
to ``storage.save``, which stages it and puts it in place whole; registering
it afterwards reuses the storage engine's inference, as ``table infer`` does.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from mason import MasonUsageError, OperatorContext, OperatorDefinition, models
from mason.sdk.errors import AlreadyExistsError
from mason.sdk.state import writing
from mason_operators_table.catalog import describe_table, is_registered
from mason_operators_table.fake import DEFAULT_COLUMNS, parse_columns, write_fake

_EXTENSIONS = {"parquet": (".parquet", ".pq"), "csv": (".csv",)}


class TableFake(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.StoragePath | models.Table:
        p = ctx.params
        rows: int = p["rows"]  # operator.yaml bounds it to 0..100,000,000
        columns = parse_columns(p["columns"] or DEFAULT_COLUMNS)
        fmt: str = p["format"]
        output: str = p["output_path"]
        database, table_name = p["database_name"], p["table_name"]
        if table_name and not database:
            raise MasonUsageError("parameter 'table_name' needs database_name to register in")
        if ctx.storage.exists(output) and not p["overwrite"]:
            raise AlreadyExistsError(
                f"output {output} already exists; pass overwrite: true to replace it"
            )
        if (
            database
            and table_name
            and not p["overwrite"]
            and is_registered(ctx, database, table_name)
        ):
            raise AlreadyExistsError(
                f"table '{table_name}' already exists in database '{database}'; "
                "pass overwrite: true to replace it"
            )

        with writing(ctx.home.path / "tmp"):  # a full MASON_HOME: one line naming it
            scratch = Path(tempfile.mkdtemp(prefix="fake-", dir=_scratch_root(ctx)))
        try:
            single = Path(output).suffix.lower() in _EXTENSIONS[fmt]
            produced = scratch / "out"
            with writing(produced):
                if single:
                    write_fake(produced, columns, rows, p["seed"], fmt)
                else:
                    produced.mkdir()
                    write_fake(produced / f"part-00000.{fmt}", columns, rows, p["seed"], fmt)
            saved = ctx.storage.save(str(produced), output, overwrite=p["overwrite"])
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        ctx.info(f"Wrote {rows} fake rows of {len(columns)} columns to {saved.uri} as {fmt}")
        if not database:
            return saved
        inferred = ctx.storage.infer_table(saved.uri, database, table_name)
        for warning in inferred.warnings:
            ctx.warn(warning)
        ctx.metastore.create_database(database, exist_ok=True)
        table = ctx.metastore.create_table(
            inferred.table.model_copy(update={"database": database}), replace=p["overwrite"]
        )
        ctx.info(f"Registered table {describe_table(table)}")
        return table


def _scratch_root(ctx: OperatorContext) -> Path:
    root = ctx.home.path / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root
