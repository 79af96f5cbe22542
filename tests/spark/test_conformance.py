"""The spark client passes the conformance kit (``mason.testing``) for its
execution engine, on the test session's one local SparkSession."""

from __future__ import annotations

from pathlib import Path

import pytest
from mason_spark.execution import SparkExecution

from mason.sdk.models import MergeJob
from mason.testing import ExecutionCase, ExecutionConformance, write_sample_files
from tests.spark.conftest import execution_engine


class TestSparkExecution(ExecutionConformance):
    implementation = SparkExecution

    @pytest.fixture
    def conformance_case(self, spark_config: str, tmp_path: Path) -> ExecutionCase:
        source = write_sample_files(tmp_path / "sample")
        job = MergeJob(input_path=str(source), output_path=str(tmp_path / "merged"), overwrite=True)
        return ExecutionCase(execution_engine(spark_config), job)
