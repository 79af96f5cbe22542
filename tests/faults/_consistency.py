"""Fixtures of the consistency fault tests (tests/faults/test_consistency_*.py,
test_s3_*.py): moto's server on 127.0.0.1 and the fault proxy of tests/aws,
reused as they are (tests/faults has no conftest.py; a test module imports
what it needs from here)."""

from __future__ import annotations

from pathlib import Path

import mason
from tests.aws.conftest import (
    aws_env,
    bucket,
    fault_proxy,
    glue,
    moto_url,
    only_local_connections,
    s3,
    storage_factory,
)

__all__ = [
    "aws_env",
    "bucket",
    "fault_proxy",
    "glue",
    "moto_url",
    "only_local_connections",
    "s3",
    "session_with",
    "storage_factory",
]


def session_with(tmp_path: Path, text: str) -> mason.Session:
    """A session under ``tmp_path/home`` whose current configuration is ``text`` (YAML)."""
    path = tmp_path / "config.yaml"
    path.write_text(text)
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(path))
    session.configs.set_current(session.configs.read_file(path).id)
    return session


def s3_local_config(endpoint: str, **s3_settings: object) -> str:
    """A configuration: s3 metastore and storage, local execution, the s3 client at ``endpoint``."""
    extra = "".join(f"      {k}: {v}\n" for k, v in s3_settings.items())
    return (
        "type: config\nid: '7'\nmetastore_engine: s3\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n  s3:\n    configuration:\n"
        f"      endpoint_url: {endpoint}\n      max_attempts: 2\n"
        f"      retry_backoff_seconds: 0.01\n{extra}"
        "  local:\n    configuration: {}\n"
    )


def glue_config(endpoint: str) -> str:
    """A configuration: glue metastore, s3 storage, both clients at ``endpoint``."""
    client = (
        f"    configuration:\n      endpoint_url: {endpoint}\n      max_attempts: 1\n"
        "      retry_backoff_seconds: 0.01\n"
    )
    return (
        "type: config\nid: '8'\nmetastore_engine: glue\nstorage_engine: s3\n"
        f"execution_engine: local\nclients:\n  glue:\n{client}  s3:\n{client}"
        "  local:\n    configuration: {}\n"
    )
