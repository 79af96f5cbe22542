"""Remote files an engine reads with its own libraries (DuckDB over pyarrow),
reached with the settings of the configuration's client that serves them.

The configuration is the single source of truth for every engine it names: a
local execution engine reading an ``s3://`` table must sign with the ``s3``
client's credentials and talk to its ``endpoint_url``, not fall back to
whatever the environment holds. A storage engine that can hand out a pyarrow
filesystem implements :class:`ArrowFilesystemSource`; the core gives every
engine a resolver (:attr:`EngineContext.remote_filesystem`) that asks the
configuration's clients for one.

Libraries that do not take a pyarrow filesystem (delta-rs reads through Rust's
``object_store``) get the same client's settings as that library's options:
:attr:`RemoteFilesystem.storage_options`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class RemoteFilesystem:
    """A pyarrow filesystem for one URI, and the URI's path as it names it."""

    #: a ``pyarrow.fs.FileSystem`` (typed loosely: the core does not import pyarrow).
    filesystem: Any
    #: ``bucket/key`` for ``s3://bucket/key``.
    path: str
    #: the client whose settings the filesystem carries.
    client: str
    #: the same client's settings as ``object_store`` options (the
    #: ``storage_options`` of delta-rs: ``AWS_ENDPOINT_URL``, ``AWS_REGION``,
    #: ``AWS_ACCESS_KEY_ID``...), built when called so temporary credentials
    #: are the current ones; ``None`` when the client offers none. The answer
    #: holds secrets: never print or log it.
    storage_options: Callable[[], dict[str, str]] | None = field(
        default=None, repr=False, compare=False
    )


@runtime_checkable
class ArrowFilesystemSource(Protocol):
    """A storage engine that can reach some URIs through a pyarrow filesystem."""

    def arrow_filesystem(self, uri: str) -> RemoteFilesystem | None:
        """A filesystem for ``uri`` with this client's settings, or ``None``
        when ``uri`` is not one this client reaches (another scheme)."""
        ...


RemoteFilesystemResolver = Callable[[str], "RemoteFilesystem | None"]


def no_remote_filesystem(uri: str) -> RemoteFilesystem | None:
    """The resolver outside a configuration: no client to ask."""
    return None
