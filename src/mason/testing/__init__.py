"""The conformance kit: prove a client's engines keep the canonical contract.

A client author subclasses one suite per engine their client serves, names the
implementation class, and provides a ``conformance_case`` fixture that builds
the engine and seeds the small sample dataset; the kit supplies the tests::

    import pytest
    from mason.testing import MetastoreCase, MetastoreConformance

    class TestMyMetastore(MetastoreConformance):
        implementation = MyMetastore

        @pytest.fixture
        def conformance_case(self, tmp_path) -> MetastoreCase:
            engine = MyMetastore(MyConfig(...), EngineContext(client="mine", home=tmp_path))
            ...  # create a database holding one table of SAMPLE_COLUMNS
            return MetastoreCase(engine, database="sales", table="sample")

For every verb the implementation serves the kit runs that verb's checks
(canonical models returned, ``NotFoundError`` for what is missing, refusal to
overwrite without being asked); every verb it does not serve must raise
``VerbNotServedError``; no secret value of its configuration may appear in its
repr or in the errors the checks provoke. Needs pytest (``mason-core[testing]``).
"""

from mason.testing.cases import (
    MISSING,
    SAMPLE_COLUMNS,
    SAMPLE_ROWS,
    ExecutionCase,
    MetastoreCase,
    SchedulerCase,
    StorageCase,
    sample_csv,
    write_sample_files,
)
from mason.testing.checks import CHECKS, Check
from mason.testing.suites import (
    ExecutionConformance,
    MetastoreConformance,
    SchedulerConformance,
    StorageConformance,
)

__all__ = [
    "CHECKS",
    "MISSING",
    "SAMPLE_COLUMNS",
    "SAMPLE_ROWS",
    "Check",
    "ExecutionCase",
    "ExecutionConformance",
    "MetastoreCase",
    "MetastoreConformance",
    "SchedulerCase",
    "SchedulerConformance",
    "StorageCase",
    "StorageConformance",
    "sample_csv",
    "write_sample_files",
]
