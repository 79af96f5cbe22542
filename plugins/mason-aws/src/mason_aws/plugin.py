"""The entry point Mason loads: client registration only, nothing heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason import hookimpl
from mason_aws.config import AthenaClientConfig, GlueClientConfig, S3ClientConfig

if TYPE_CHECKING:
    from mason.sdk.plugin import RegisterClient


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "s3",
        config_model=S3ClientConfig,
        engines={
            "storage": "mason_aws.s3.storage:S3Storage",
            "metastore": "mason_aws.s3.metastore:S3Metastore",
        },
        description="Amazon S3: objects as storage; buckets as databases, prefixes as tables",
    )
    register(
        "glue",
        config_model=GlueClientConfig,
        engines={
            "metastore": "mason_aws.glue.metastore:GlueMetastore",
            "scheduler": "mason_aws.glue.scheduler:GlueScheduler",
        },
        description="AWS Glue: the Data Catalog as metastore, crawlers as scheduler",
    )
    register(
        "athena",
        config_model=AthenaClientConfig,
        engines={
            "metastore": "mason_aws.athena.metastore:AthenaMetastore",
            "execution": "mason_aws.athena.execution:AthenaExecution",
        },
        description="Amazon Athena: SQL over S3, its catalog as metastore",
    )
