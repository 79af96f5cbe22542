"""What every engine implementation shares: its client, its configuration,
and the rule that an unserved verb raises a typed error."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from pydantic import BaseModel

from mason_core.engines.filesystems import RemoteFilesystemResolver, no_remote_filesystem
from mason_core.errors import VerbNotServedError
from mason_core.progress import NO_PROGRESS, Progress


@dataclass
class EngineContext:
    """What the core hands an engine implementation besides its configuration."""

    client: str
    home: Path
    progress: Progress = NO_PROGRESS
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("mason"))
    #: a pyarrow filesystem for a remote URI (``s3://...``) carrying the settings
    #: of the configuration's client that reaches it, or ``None`` when none does;
    #: see :mod:`mason_core.engines.filesystems`.
    remote_filesystem: RemoteFilesystemResolver = no_remote_filesystem
    #: where an engine reports what the user must know although the verb
    #: succeeded (an object skipped, a file unreadable): the running operator's
    #: warnings (the envelope's ``Warnings``); outside an operator, the log.
    warn: Callable[[str], None] | None = None

    def warning(self, message: str) -> None:
        """Report ``message`` as a warning of the operator being run."""
        if self.warn is not None:
            self.warn(message)
        else:
            self.logger.warning(message)


class Engine:
    """Base of the engine interfaces.

    An interface lists its canonical verbs in ``VERBS`` and defines each one to
    raise :class:`VerbNotServedError`; a client's implementation overrides the
    verbs it serves. ``served_verbs()`` reads that off the class, so listing
    what a client serves needs no configuration and no network.
    """

    engine_type: ClassVar[str] = ""
    VERBS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: BaseModel, context: EngineContext) -> None:
        self.config = config
        self.context = context

    @property
    def client_name(self) -> str:
        return self.context.client

    def not_served(self, verb: str) -> NoReturn:
        raise VerbNotServedError(self.context.client, self.engine_type, verb)

    @classmethod
    def interface(cls) -> type[Engine]:
        """The engine interface class this implementation derives from."""
        for klass in cls.__mro__:
            if klass.__dict__.get("_is_interface", False):
                return klass
        return Engine

    @classmethod
    def served_verbs(cls) -> list[str]:
        base = cls.interface()
        served = []
        for verb in base.VERBS:
            impl: Any = inspect.getattr_static(cls, verb, None)
            if impl is not None and impl is not inspect.getattr_static(base, verb, None):
                served.append(verb)
        return served

    def close(self) -> None:
        """Release connections; called when a run is over."""
        return None
