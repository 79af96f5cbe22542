"""Reading Iceberg tables on Spark.

Spark reads Iceberg through the Iceberg Spark runtime jar, which must match
Spark's version. The one found here is the jar for Spark 3.5 that the
``snowpark-connect-deps-iceberg`` package ships (1.0.2: 1.0.3's jar lacks the
shaded classes), so Iceberg tables are read when pyspark 3.5 and that
package are installed, and refused before the job runs otherwise, with the
reason on one line (:func:`iceberg_unavailable`).

A table is read from the metadata file its catalog entry points at
(``format_metadata.metadata_location``), as the local client's DuckDB jobs
read it: ``spark.read.format("iceberg").load(metadata.json)`` opens that
exact snapshot with no Spark catalog at all, so Spark reads whatever catalog
the metastore keeps (the local client's SQLite one) and never writes to it.
Writing to Iceberg tables stays with the metastore (pyiceberg commits): a
Spark job never commits to an Iceberg table. Spark code of your own can
write the same tables through Iceberg's ``JdbcCatalog`` on the local
client's SQLite file (:func:`jdbc_catalog_conf`), given a SQLite JDBC driver
(:func:`sqlite_jdbc_jar`: Debian's ``libxerial-sqlite-jdbc-java``; neither
the runtime jar nor PyPI ships one).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import Table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: the PyPI distribution shipping the Iceberg Spark runtime jar for Spark 3.5.
RUNTIME_PACKAGE = "snowpark-connect-deps-iceberg"
RUNTIME_PIN = f"{RUNTIME_PACKAGE}==1.0.2"
#: the Spark minor version that runtime jar is built for.
SPARK_VERSION = "3.5"
_JAR = re.compile(r"iceberg-spark-runtime-3\.5_[\d.]+-[\w.]+\.jar$")


@lru_cache(maxsize=1)
def runtime_jar() -> str | None:
    """The installed Iceberg Spark runtime jar for Spark 3.5, if any (found in
    the package's file list, without importing anything)."""
    import os
    from importlib import metadata

    try:
        files = metadata.files(RUNTIME_PACKAGE) or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if _JAR.search(str(file)):
            located = os.fspath(file.locate())
            if os.path.isfile(located):
                return located
    return None


#: where Debian's ``libxerial-sqlite-jdbc-java`` puts the SQLite JDBC driver.
SQLITE_JDBC_JARS = ("/usr/share/java/sqlite-jdbc.jar", "/usr/share/java/xerial-sqlite-jdbc.jar")


def sqlite_jdbc_jar() -> str | None:
    """The SQLite JDBC driver installed on this machine, if any."""
    from pathlib import Path

    return next((jar for jar in SQLITE_JDBC_JARS if Path(jar).is_file()), None)


def jdbc_catalog_conf(catalog_file: str, warehouse: str, name: str = "mason") -> dict[str, str]:
    """Spark settings making ``name`` an Iceberg catalog on the SQLite file of
    pyiceberg's SQL catalog (the local client's ``iceberg.sqlite``): Iceberg's
    ``JdbcCatalog`` keeps tables in the same ``iceberg_tables`` rows and
    commits by the same compare-and-swap of ``metadata_location``, so Spark
    and pyiceberg write one catalog safely. ``name`` must be the pyiceberg
    catalog's name (the local client's is ``mason``): both file rows under it.
    ``spark.sql.catalog.*`` settings may be set on a running session."""
    prefix = f"spark.sql.catalog.{name}"
    return {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.type": "jdbc",
        f"{prefix}.uri": f"jdbc:sqlite:{catalog_file}",
        f"{prefix}.warehouse": warehouse,
    }


@lru_cache(maxsize=1)
def pyspark_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("pyspark")
    except metadata.PackageNotFoundError:
        return None


def iceberg_unavailable(runner_type: str) -> str | None:
    """Why this installation's ``runner_type`` cannot read Iceberg tables, or
    ``None`` when it can."""
    if runner_type != "local":
        return (
            f"the {runner_type} runner does not ship the Iceberg Spark runtime to its "
            "driver; only the local runner reads Iceberg tables"
        )
    version = pyspark_version() or "none"
    if not version.startswith(SPARK_VERSION + "."):
        return (
            f"the Iceberg Spark runtime found on the index is built for Spark {SPARK_VERSION} "
            f"and pyspark {version} is installed (install pyspark {SPARK_VERSION} and "
            f"'{RUNTIME_PIN}')"
        )
    if runtime_jar() is None:
        return f"the Iceberg Spark runtime jar is not installed (pip install '{RUNTIME_PIN}')"
    return None


def with_iceberg(conf: dict[str, str]) -> dict[str, str]:
    """A local session's ``conf`` with the Iceberg runtime jar (and the SQLite
    JDBC driver, when installed) added to ``spark.jars`` beside any the
    configuration names, when the runtime is usable here."""
    jar = runtime_jar()
    if jar is None or iceberg_unavailable("local") is not None:
        return conf
    jars = [j for j in conf.get("spark.jars", "").split(",") if j.strip()]
    driver = sqlite_jdbc_jar()
    added = [jar, driver] if driver else [jar]
    return {**conf, "spark.jars": ",".join([*jars, *added])}


def snapshot_options(as_of: str | None) -> dict[str, str]:
    """The Iceberg read options for ``as_of``: a snapshot id (digits) or an ISO
    timestamp (the snapshot current then; UTC when it names no zone)."""
    if not as_of:
        return {}
    from mason.sdk.iceberg import parse_as_of

    moment = parse_as_of(as_of)
    if isinstance(moment, int):
        return {"snapshot-id": str(moment)}
    return {"as-of-timestamp": str(int(moment.timestamp() * 1000))}


def read_iceberg(spark: SparkSession, table: Table, as_of: str | None = None) -> DataFrame:
    """``table`` (an Iceberg table) as of ``as_of``, read from its metadata file."""
    name = f"{table.database}.{table.name}" if table.database else table.name
    metadata = table.format_metadata.metadata_location if table.format_metadata else None
    if not metadata:
        raise MasonRuntimeError(f"Iceberg table {name} has no metadata location")
    reader = spark.read.format("iceberg")
    for key, value in snapshot_options(as_of).items():
        reader = reader.option(key, value)
    return reader.load(metadata)
