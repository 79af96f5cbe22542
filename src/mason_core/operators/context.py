"""What an operator's ``run`` receives: parameters, engines, the response."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, TypeVar, cast

from mason_core.config.model import ValidConfig
from mason_core.engines.base import Engine, EngineContext
from mason_core.engines.filesystems import ArrowFilesystemSource, RemoteFilesystem
from mason_core.errors import ConfigurationError, PluginLoadError
from mason_core.home import MasonHome
from mason_core.progress import NO_PROGRESS, Progress
from mason_core.registry import Registry
from mason_core.response import Response

if TYPE_CHECKING:  # each accessor imports its own interface: a metastore call
    # does not load the execution engine's job records and models
    from mason_core.engines.execution import ExecutionEngine
    from mason_core.engines.metastore import MetastoreEngine
    from mason_core.engines.scheduler import SchedulerEngine
    from mason_core.engines.storage import StorageEngine

E = TypeVar("E", bound=Engine)


class EngineSet:
    """Engines of one configuration, built on first use and closed together.

    ``chosen`` pins an engine to a client (from the matched supported
    configuration); other engines use the configuration's first client.
    """

    def __init__(
        self,
        registry: Registry,
        config: ValidConfig,
        home: MasonHome,
        chosen: dict[str, str] | None = None,
        progress: Progress = NO_PROGRESS,
    ) -> None:
        self.registry = registry
        self.config = config
        self.home = home
        self.chosen = dict(chosen or {})
        self.progress = progress
        self._built: dict[str, Engine] = {}
        #: storage engines of clients the configuration names for another engine
        #: (an ``s3`` metastore), built only to reach their files.
        self._storages: dict[str, Engine] = {}
        #: where the engines' warnings go: the running operator's response
        #: (set by OperatorContext), else the log.
        self.warnings_to: Response | None = None

    def client_name(self, engine: str) -> str:
        name = self.chosen.get(engine) or self.config.client_for(engine)
        if name is None:
            raise ConfigurationError(
                f"configuration '{self.config.id}' assigns no client to the {engine} engine"
            )
        return name

    def get(self, engine: str) -> Engine:
        if engine not in self._built:
            self._built[engine] = self._build(engine, self.client_name(engine))
        return self._built[engine]

    def _build(self, engine: str, name: str) -> Engine:
        spec = self.registry.client(name)
        cls = spec.implementation(engine)
        interface = self.registry.engine_interface(engine)
        if not (isinstance(cls, type) and issubclass(cls, interface)):
            raise PluginLoadError(
                f"client '{name}': {spec.engines[engine]} is not a {interface.__name__}"
            )
        context = EngineContext(
            client=name,
            home=self.home.path,
            progress=self.progress,
            remote_filesystem=self.remote_filesystem,
            warn=self._warn,
        )
        engine_obj: Engine = cls(self.config.clients[name], context)
        return engine_obj

    def _warn(self, message: str) -> None:
        if self.warnings_to is not None:
            self.warnings_to.add_warning(message)
        else:
            logging.getLogger("mason").warning(message)

    def remote_filesystem(self, uri: str) -> RemoteFilesystem | None:
        """A pyarrow filesystem for ``uri`` with the settings of a client of
        this configuration: the storage client first, then any other client it
        names whose plugin serves storage (an ``s3`` metastore's files are S3's)."""
        storage = self.chosen.get("storage") or self.config.client_for("storage")
        names = [storage] if storage else []
        names += [n for n in self.config.clients if n not in names]
        for name in names:
            spec = self.registry.clients.get(name)
            if spec is None or "storage" not in spec.engines:
                continue
            cls = spec.implementation("storage")  # checked before anything is built
            if not (isinstance(cls, type) and issubclass(cls, ArrowFilesystemSource)):
                continue
            if name == storage:
                engine = self.get("storage")
            else:
                if name not in self._storages:
                    self._storages[name] = self._build("storage", name)
                engine = self._storages[name]
            if isinstance(engine, ArrowFilesystemSource):
                found = engine.arrow_filesystem(uri)
                if found is not None:
                    return found
        return None

    def typed(self, engine: str, kind: type[E]) -> E:
        return cast(E, self.get(engine))

    def close(self) -> None:
        for engine in [*self._built.values(), *self._storages.values()]:
            with contextlib.suppress(Exception):  # closing must not hide the run's outcome
                engine.close()
        self._built.clear()
        self._storages.clear()


class OperatorContext:
    def __init__(
        self,
        name: str,
        params: dict[str, Any],
        engines: EngineSet,
        response: Response,
    ) -> None:
        self.name = name
        self.params = params
        self.engines = engines
        self.response = response
        engines.warnings_to = response  # what the engines skip reaches the envelope

    @property
    def config(self) -> ValidConfig:
        return self.engines.config

    @property
    def home(self) -> MasonHome:
        return self.engines.home

    @property
    def progress(self) -> Progress:
        return self.engines.progress

    @property
    def metastore(self) -> MetastoreEngine:
        from mason_core.engines.metastore import MetastoreEngine

        return self.engines.typed("metastore", MetastoreEngine)

    @property
    def storage(self) -> StorageEngine:
        from mason_core.engines.storage import StorageEngine

        return self.engines.typed("storage", StorageEngine)

    @property
    def execution(self) -> ExecutionEngine:
        from mason_core.engines.execution import ExecutionEngine

        return self.engines.typed("execution", ExecutionEngine)

    @property
    def scheduler(self) -> SchedulerEngine:
        from mason_core.engines.scheduler import SchedulerEngine

        return self.engines.typed("scheduler", SchedulerEngine)

    def engine(self, name: str) -> Engine:
        return self.engines.get(name)

    def info(self, message: str) -> None:
        self.response.add_info(message)

    def warn(self, message: str) -> None:
        self.response.add_warning(message)
