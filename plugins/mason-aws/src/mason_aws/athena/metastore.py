"""Athena's catalog as a metastore.

Athena's ``AwsDataCatalog`` is the Glue Data Catalog, so databases and
tables are read and registered through Glue's API (what Athena itself
does); DDL is different: it is executed as an Athena query and waited for.
"""

from __future__ import annotations

from functools import cached_property

from mason.sdk.engines import EngineContext
from mason.sdk.errors import MasonRuntimeError
from mason.sdk.models import JobStatus
from mason_aws.athena.queries import AthenaQueries
from mason_aws.config import AthenaClientConfig
from mason_aws.glue.metastore import GlueMetastore


class AthenaMetastore(GlueMetastore):
    config: AthenaClientConfig

    def __init__(self, config: AthenaClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)

    @cached_property
    def queries(self) -> AthenaQueries:
        return AthenaQueries(self.aws, self.config, self.client_name)

    def execute_ddl(self, ddl: str, database_name: str) -> None:
        query_id = self.queries.start(ddl, database_name)
        done = self.queries.record(self.queries.wait(query_id))
        if done.status is not JobStatus.SUCCEEDED:
            reason = done.error or ("still running" if not done.status.finished else "no reason")
            raise MasonRuntimeError(
                f"{self.client_name}: DDL in database '{database_name}' {done.status.value} "
                f"(query {query_id}): {reason}"
            )
