"""Registration and engine modules import no AWS or arrow library."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "mason_aws.plugin",
    "mason_aws.s3.storage",
    "mason_aws.s3.metastore",
    "mason_aws.glue.metastore",
    "mason_aws.glue.scheduler",
    "mason_aws.athena.metastore",
    "mason_aws.athena.execution",
)


HEAVY = ("boto3", "botocore", "s3fs", "obstore", "pyarrow")


def test_engine_modules_are_light() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
