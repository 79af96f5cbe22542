"""The canonical contract of each engine verb, as checks over a seeded case.

A check runs only when the implementation serves its verb; one check may call
other verbs of the same engine when they are served too (``delete_table`` is
confirmed by ``get_table``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from mason.sdk.errors import AlreadyExistsError, MasonError, MasonUsageError, NotFoundError
from mason.sdk.models import (
    RESTORED_SNAPSHOT,
    CommitResult,
    Credentials,
    Dag,
    Database,
    ExecutedJob,
    InferredTable,
    JobStatus,
    MaintenanceReport,
    ScanPlan,
    SchemaChange,
    Snapshot,
    StoragePath,
    Table,
    TableWrite,
)
from mason.testing.cases import (
    MISSING,
    SAMPLE_COLUMNS,
    SAMPLE_FILE,
    SAMPLE_ROWS,
    ExecutionCase,
    MetastoreCase,
    SchedulerCase,
    StorageCase,
    sample_csv,
)


@dataclass(frozen=True)
class Check:
    engine: str
    verb: str
    name: str
    run: Callable[[Any], None]

    @property
    def id(self) -> str:
        return f"{self.verb}-{self.name}"


#: every check, in definition order.
CHECKS: list[Check] = []
F = TypeVar("F", bound=Callable[..., None])


def check(engine: str, verb: str) -> Callable[[F], F]:
    def add(func: F) -> F:
        CHECKS.append(Check(engine, verb, func.__name__.strip("_"), func))
        return func

    return add


def no_secret(text: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"a secret value of the configuration appears in: {text[:200]!r}"


@contextmanager
def raises(kind: type[MasonError], secrets: list[str]) -> Iterator[None]:
    """Expect ``kind`` (one line, no secret in it)."""
    try:
        yield
    except kind as exc:
        message = str(exc)
        assert message and "\n" not in message.strip(), f"not one line: {message!r}"
        no_secret(message, secrets)
    except Exception as exc:
        raise AssertionError(f"expected {kind.__name__}, got {type(exc).__name__}") from exc
    else:
        raise AssertionError(f"expected {kind.__name__}")


def served(engine: Any, verb: str) -> bool:
    return verb in type(engine).served_verbs()


def column_names(table: Table) -> list[str]:
    return [c.name.lower() for c in table.table_schema.columns]


# -- metastore -------------------------------------------------------------------------


@check("metastore", "list_databases")
def _lists_the_database(case: MetastoreCase) -> None:
    found = case.engine.list_databases()
    assert all(isinstance(d, Database) for d in found)
    assert case.database in [d.name for d in found]


@check("metastore", "get_database")
def _gets_the_database(case: MetastoreCase) -> None:
    got = case.engine.get_database(case.database)
    assert isinstance(got, Database) and got.name == case.database


@check("metastore", "get_database")
def _missing_database_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.get_database(MISSING)


@check("metastore", "create_database")
def _existing_database_is_accepted_when_asked(case: MetastoreCase) -> None:
    got = case.engine.create_database(case.database, exist_ok=True)
    assert isinstance(got, Database) and got.name == case.database


@check("metastore", "list_tables")
def _lists_the_table(case: MetastoreCase) -> None:
    found = case.engine.list_tables(case.database)
    assert all(isinstance(t, Table) for t in found)
    assert case.table in [t.name for t in found]


@check("metastore", "list_tables")
def _tables_of_a_missing_database_are_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.list_tables(MISSING)


@check("metastore", "get_table")
def _gets_the_table_with_its_columns(case: MetastoreCase) -> None:
    got = case.engine.get_table(case.database, case.table)
    assert isinstance(got, Table) and got.name == case.table
    assert column_names(got)[: len(SAMPLE_COLUMNS)] == list(SAMPLE_COLUMNS)


@check("metastore", "get_table")
def _missing_table_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.get_table(case.database, MISSING)


@check("metastore", "get_table")
def _table_of_a_missing_database_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.get_table(MISSING, case.table)


@check("metastore", "create_table")
def _existing_table_is_replaced_only_when_asked(case: MetastoreCase) -> None:
    table = case.engine.get_table(case.database, case.table)
    with raises(AlreadyExistsError, case.secrets):
        case.engine.create_table(table, replace=False)
    replaced = case.engine.create_table(table, replace=True)
    assert isinstance(replaced, Table) and replaced.name == case.table


@check("metastore", "delete_table")
def _deletes_the_entry_and_returns_it(case: MetastoreCase) -> None:
    removed = case.engine.delete_table(case.database, case.table)
    assert isinstance(removed, Table) and removed.name == case.table
    if served(case.engine, "get_table"):
        with raises(NotFoundError, case.secrets):
            case.engine.get_table(case.database, case.table)


@check("metastore", "delete_table")
def _deleting_a_missing_table_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.delete_table(case.database, MISSING)


@check("metastore", "refresh_table")
def _refreshing_a_missing_table_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.refresh_table(case.database, MISSING)


@check("metastore", "generate_ddl")
def _ddl_names_the_table(case: MetastoreCase) -> None:
    ddl = case.engine.generate_ddl(case.engine.get_table(case.database, case.table))
    assert isinstance(ddl, str) and case.table in ddl
    no_secret(ddl, case.secrets)


@check("metastore", "credentials")
def _credentials_hide_their_secrets(case: MetastoreCase) -> None:
    creds = case.engine.credentials()
    assert isinstance(creds, Credentials)
    no_secret(repr(creds), case.secrets)
    no_secret(str(creds.model_dump(mode="json")), case.secrets)


# -- metastore: table formats ------------------------------------------------------------


def format_table(case: MetastoreCase) -> str:
    assert case.format_table, (
        "the client serves table-format verbs: give the case a format_table "
        "(a table of one of TABLE_FORMATS holding the sample rows)"
    )
    return case.format_table


def history_of(case: MetastoreCase) -> list[Snapshot]:
    return case.engine.table_history(case.database, format_table(case))


@check("metastore", "table_history")
def _history_lists_snapshots_oldest_first_with_one_current(case: MetastoreCase) -> None:
    snapshots = history_of(case)
    assert snapshots and all(isinstance(s, Snapshot) for s in snapshots)
    assert [s.committed_at for s in snapshots] == sorted(s.committed_at for s in snapshots)
    assert sum(s.current for s in snapshots) == 1


@check("metastore", "table_history")
def _history_of_a_missing_table_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.table_history(case.database, MISSING)


@check("metastore", "table_history")
def _history_of_a_plain_table_is_a_usage_error(case: MetastoreCase) -> None:
    with raises(MasonUsageError, case.secrets):
        case.engine.table_history(case.database, case.table)


@check("metastore", "get_table")
def _a_format_table_carries_its_format_metadata(case: MetastoreCase) -> None:
    if not type(case.engine).TABLE_FORMATS:
        return  # a catalog of plain tables only
    got = case.engine.get_table(case.database, format_table(case))
    assert got.format in type(case.engine).TABLE_FORMATS and got.is_table_format
    meta = got.format_metadata
    assert meta is not None and meta.current_snapshot is not None and meta.snapshot_count >= 1


@check("metastore", "plan_scan")
def _plan_reads_the_current_snapshot(case: MetastoreCase) -> None:
    plan = case.engine.plan_scan(case.database, format_table(case))
    assert isinstance(plan, ScanPlan) and plan.tasks
    current = next(s for s in history_of(case) if s.current)
    assert plan.snapshot_id == current.snapshot_id
    assert [c.name.lower() for c in plan.columns][: len(SAMPLE_COLUMNS)] == list(SAMPLE_COLUMNS)
    assert sum(t.record_count or 0 for t in plan.tasks) == len(SAMPLE_ROWS)
    again = case.engine.plan_scan(case.database, format_table(case), str(current.snapshot_id))
    assert again.snapshot_id == current.snapshot_id


@check("metastore", "plan_scan")
def _plan_as_of_nonsense_is_a_usage_error(case: MetastoreCase) -> None:
    with raises(MasonUsageError, case.secrets):
        case.engine.plan_scan(case.database, format_table(case), "not a snapshot or a time")


@check("metastore", "write_table")
def _delete_by_filter_commits_one_new_snapshot(case: MetastoreCase) -> None:
    before = history_of(case)
    key = SAMPLE_COLUMNS[0]
    result = case.engine.write_table(
        case.database,
        format_table(case),
        TableWrite(mode="delete", filter=f"{key} = {SAMPLE_ROWS[0][0]}"),
    )
    assert isinstance(result, CommitResult) and result.rows_removed == 1
    after = history_of(case)
    assert len(after) > len(before)
    assert next(s for s in after if s.current).snapshot_id == result.snapshot_id


@check("metastore", "write_table")
def _writing_a_missing_table_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.write_table(case.database, MISSING, TableWrite(mode="delete", filter="1 = 1"))


@check("metastore", "evolve_table")
def _an_added_column_gets_a_field_id(case: MetastoreCase) -> None:
    change = SchemaChange(kind="add_column", column="conformance_note", type="string")
    got = case.engine.evolve_table(case.database, format_table(case), [change])
    added = [c for c in got.table_schema.columns if c.name == "conformance_note"]
    assert added
    # a format tracking columns by id (Iceberg) gives the new one an id too
    if any(c.field_id is not None for c in got.table_schema.columns if c is not added[0]):
        assert added[0].field_id is not None


@check("metastore", "evolve_table")
def _adding_an_existing_column_is_refused(case: MetastoreCase) -> None:
    change = SchemaChange(kind="add_column", column=SAMPLE_COLUMNS[0], type="string")
    with raises(MasonUsageError, case.secrets):
        case.engine.evolve_table(case.database, format_table(case), [change])


@check("metastore", "rollback_table")
def _rollback_makes_a_snapshot_current(case: MetastoreCase) -> None:
    first = history_of(case)[0]
    got = case.engine.rollback_table(case.database, format_table(case), first.snapshot_id)
    assert got.format_metadata and got.format_metadata.current_snapshot
    current = got.format_metadata.current_snapshot
    # a format whose rollback commits a new snapshot (Delta's RESTORE) names the one restored
    assert current.snapshot_id == first.snapshot_id or current.summary.get(
        RESTORED_SNAPSHOT
    ) == str(first.snapshot_id)


@check("metastore", "rollback_table")
def _rollback_to_an_unknown_snapshot_is_not_found(case: MetastoreCase) -> None:
    unknown = max(s.snapshot_id for s in history_of(case)) + 1  # ids may be versions 0, 1...
    with raises(NotFoundError, case.secrets):
        case.engine.rollback_table(case.database, format_table(case), unknown)


def _recent() -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=3)


@check("metastore", "expire_snapshots")
def _a_dry_run_expiry_changes_nothing(case: MetastoreCase) -> None:
    before = history_of(case)
    report = case.engine.expire_snapshots(
        case.database, format_table(case), datetime.now(timezone.utc), dry_run=True
    )
    assert isinstance(report, MaintenanceReport) and report.dry_run
    assert history_of(case) == before


@check("metastore", "compact_table")
def _a_dry_run_compaction_changes_nothing(case: MetastoreCase) -> None:
    before = history_of(case)
    report = case.engine.compact_table(case.database, format_table(case), 1 << 27, dry_run=True)
    assert isinstance(report, MaintenanceReport) and report.dry_run
    assert history_of(case) == before


@check("metastore", "clean_orphan_files")
def _clean_refuses_files_younger_than_an_hour(case: MetastoreCase) -> None:
    with raises(MasonUsageError, case.secrets):
        case.engine.clean_orphan_files(
            case.database, format_table(case), datetime.now(timezone.utc), dry_run=True
        )


@check("metastore", "clean_orphan_files")
def _a_dry_run_clean_deletes_nothing(case: MetastoreCase) -> None:
    before = history_of(case)
    report = case.engine.clean_orphan_files(
        case.database, format_table(case), _recent(), dry_run=True
    )
    assert isinstance(report, MaintenanceReport) and report.dry_run
    assert len(report.paths) == report.files_removed or len(report.paths) >= 2000
    assert history_of(case) == before


@check("metastore", "add_files")
def _adding_a_missing_file_is_not_found(case: MetastoreCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.add_files(case.database, format_table(case), [f"{MISSING}.parquet"])


# -- storage ---------------------------------------------------------------------------


def _sample_path(case: StorageCase) -> str:
    return f"{case.root.rstrip('/')}/{SAMPLE_FILE}"


@check("storage", "exists")
def _exists_tells_present_from_missing(case: StorageCase) -> None:
    assert case.engine.exists(_sample_path(case)) is True
    assert case.engine.exists(f"{case.root.rstrip('/')}/{MISSING}") is False


@check("storage", "resolve_path")
def _resolves_to_a_storage_path(case: StorageCase) -> None:
    assert isinstance(case.engine.resolve_path(case.root), StoragePath)


@check("storage", "table_path")
def _table_path_is_a_storage_path(case: StorageCase) -> None:
    assert isinstance(case.engine.table_path("conformance", "sample"), StoragePath)


@check("storage", "list_path")
def _lists_the_sample_file(case: StorageCase) -> None:
    found = case.engine.list_path(case.root)
    assert all(isinstance(p, StoragePath) for p in found)
    assert any(p.path.rstrip("/").endswith(SAMPLE_FILE) for p in found)


@check("storage", "expand_path")
def _expands_to_the_sample_file(case: StorageCase) -> None:
    found = case.engine.expand_path(case.root)
    assert [p.path.rsplit("/", 1)[-1] for p in found] == [SAMPLE_FILE]


@check("storage", "open")
def _opens_the_sample_bytes(case: StorageCase) -> None:
    with case.engine.open(_sample_path(case)) as handle:
        assert handle.read() == sample_csv()


@check("storage", "open")
def _opening_a_missing_file_is_not_found(case: StorageCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.open(f"{case.root.rstrip('/')}/{MISSING}")


@check("storage", "infer_table")
def _infers_the_sample_table(case: StorageCase) -> None:
    inferred = case.engine.infer_table(case.root, "conformance", "sample")
    assert isinstance(inferred, InferredTable)
    assert inferred.table.name == "sample"
    assert column_names(inferred.table) == list(SAMPLE_COLUMNS)


@check("storage", "infer_table")
def _inferring_a_missing_path_is_not_found(case: StorageCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.infer_table(f"{case.root.rstrip('/')}/{MISSING}", "conformance")


@check("storage", "save")
def _save_refuses_to_overwrite_unless_asked(case: StorageCase) -> None:
    local = case.local_dir / "saved.csv"
    local.write_bytes(sample_csv())
    target = f"{case.scratch.rstrip('/')}/saved.csv"
    assert isinstance(case.engine.save(str(local), target), StoragePath)
    with raises(AlreadyExistsError, case.secrets):
        case.engine.save(str(local), target)
    assert isinstance(case.engine.save(str(local), target, overwrite=True), StoragePath)


@check("storage", "copy")
def _copy_refuses_to_overwrite_unless_asked(case: StorageCase) -> None:
    target = f"{case.scratch.rstrip('/')}/copied.csv"
    assert isinstance(case.engine.copy(_sample_path(case), target), StoragePath)
    with raises(AlreadyExistsError, case.secrets):
        case.engine.copy(_sample_path(case), target)
    case.engine.copy(_sample_path(case), target, overwrite=True)


@check("storage", "delete")
def _deletes_the_file(case: StorageCase) -> None:
    case.engine.delete(_sample_path(case))
    if served(case.engine, "exists"):
        assert case.engine.exists(_sample_path(case)) is False


# -- execution -------------------------------------------------------------------------


def _run(case: ExecutionCase) -> ExecutedJob:
    done = case.engine.run_job(case.job)
    assert isinstance(done, ExecutedJob)
    assert done.id and done.kind == case.job.kind
    assert done.status is not JobStatus.FAILED, done.error
    return done


@check("execution", "run_job")
def _runs_the_job(case: ExecutionCase) -> None:
    _run(case)


@check("execution", "get_job")
def _gets_the_job_it_ran(case: ExecutionCase) -> None:
    if not served(case.engine, "run_job"):
        return
    done = _run(case)
    got = case.engine.get_job(done.id)
    assert isinstance(got, ExecutedJob) and got.id == done.id


@check("execution", "get_job")
def _missing_job_is_not_found(case: ExecutionCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.get_job(MISSING)


@check("execution", "list_jobs")
def _lists_the_job_it_ran(case: ExecutionCase) -> None:
    done = _run(case) if served(case.engine, "run_job") else None
    found = case.engine.list_jobs()
    assert all(isinstance(j, ExecutedJob) for j in found)
    if done is not None:
        assert done.id in [j.id for j in found]


# -- scheduler -------------------------------------------------------------------------


@check("scheduler", "register_dag")
def _registers_the_dag(case: SchedulerCase) -> None:
    got = case.engine.register_dag(case.dag, case.schedule)
    assert isinstance(got, Dag) and got.name == case.dag.name
    if served(case.engine, "list_dags"):
        assert case.dag.name in [d.name for d in case.engine.list_dags()]


@check("scheduler", "list_dags")
def _lists_dags(case: SchedulerCase) -> None:
    assert all(isinstance(d, Dag) for d in case.engine.list_dags())


@check("scheduler", "delete_dag")
def _deleting_a_missing_dag_is_not_found(case: SchedulerCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.delete_dag(MISSING)


@check("scheduler", "trigger_dag")
def _triggering_a_missing_dag_is_not_found(case: SchedulerCase) -> None:
    with raises(NotFoundError, case.secrets):
        case.engine.trigger_dag(MISSING)


@check("scheduler", "validate_schedule")
def _a_malformed_schedule_is_a_usage_error(case: SchedulerCase) -> None:
    with raises(MasonUsageError, case.secrets):
        case.engine.validate_schedule("every other blue moon")
