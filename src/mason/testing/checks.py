"""The canonical contract of each engine verb, as checks over a seeded case.

A check runs only when the implementation serves its verb; one check may call
other verbs of the same engine when they are served too (``delete_table`` is
confirmed by ``get_table``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from mason.sdk.errors import AlreadyExistsError, MasonError, MasonUsageError, NotFoundError
from mason.sdk.models import (
    Credentials,
    Dag,
    Database,
    ExecutedJob,
    InferredTable,
    JobStatus,
    StoragePath,
    Table,
)
from mason.testing.cases import (
    MISSING,
    SAMPLE_COLUMNS,
    SAMPLE_FILE,
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
