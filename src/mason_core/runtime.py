"""The session: one MASON_HOME, its plugins and configurations, and the run
machinery that every surface (CLI, Python API, server) goes through."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from mason_core.config.model import ValidConfig
from mason_core.config.store import ConfigStore
from mason_core.errors import MasonError, MasonUsageError
from mason_core.home import MasonHome
from mason_core.machine import describe
from mason_core.operators.parameters import (
    UnknownParameters,
    drop_unknown,
    validate_parameters,
)
from mason_core.operators.spec import OperatorSpec
from mason_core.operators.support import match_operator
from mason_core.plugins import build_registry
from mason_core.progress import NO_PROGRESS, Progress
from mason_core.registry import Registry
from mason_core.response import Response
from mason_core.secrets import scrub

log = logging.getLogger("mason")


@dataclass
class PreparedRun:
    """An operator invocation that passed every check and is ready to run."""

    spec: OperatorSpec
    params: dict[str, Any]
    config: ValidConfig
    #: engine -> client chosen by the matched supported configuration.
    chosen: dict[str, str]
    #: undeclared parameters ignored under ``--unknown-params warn``.
    warnings: list[str] = field(default_factory=list)


class Session:
    def __init__(
        self, home: MasonHome | str | Path | None = None, registry: Registry | None = None
    ) -> None:
        """``registry``: what the session's plugins registered, when the caller
        has it (the CLI's run from the registry index); else built on first use."""
        if isinstance(home, MasonHome):
            self.home = home
        else:
            self.home = MasonHome.from_env(home)
        if registry is not None:
            self.__dict__["registry"] = registry

    @cached_property
    def registry(self) -> Registry:
        return build_registry(self.home.path)

    def reload(self) -> None:
        """Forget cached plugin state (after ``mason register``)."""
        self.__dict__.pop("registry", None)
        self.__dict__.pop("configs", None)

    @cached_property
    def configs(self) -> ConfigStore:
        return ConfigStore(self.home, self.registry)

    # -- operators ----------------------------------------------------------------------

    def prepare(
        self,
        namespace: str,
        command: str,
        params: dict[str, Any] | None = None,
        config_id: str | None = None,
        unknown: UnknownParameters = "error",
    ) -> PreparedRun:
        """Every check before anything runs; raises a usage error (exit 2).
        ``unknown='warn'`` ignores undeclared parameters with a warning."""
        spec = self.registry.operator(namespace, command)
        name = f"operator '{spec.name}'"
        kept, warnings = drop_unknown(name, spec.parameters, params or {}, unknown)
        typed = validate_parameters(name, spec.parameters, kept)
        config = self.configs.get(config_id)
        chosen = match_operator(spec, config, self.registry)
        return PreparedRun(spec, typed, config, chosen, warnings)

    def run_prepared(self, prepared: PreparedRun, progress: Progress = NO_PROGRESS) -> Response:
        # engines and models load here, not at import: listing and help stay light
        from mason_core.operators.context import EngineSet, OperatorContext
        from mason_core.operators.definition import OperatorDefinition

        response = Response()
        for warning in prepared.warnings:
            response.add_warning(warning)
        engines = EngineSet(self.registry, prepared.config, self.home, prepared.chosen, progress)
        ctx = OperatorContext(prepared.spec.name, prepared.params, engines, response)
        try:
            cls = prepared.spec.load_class()
            if not (isinstance(cls, type) and issubclass(cls, OperatorDefinition)):
                raise MasonUsageError(
                    f"operator '{prepared.spec.name}': {cls!r} is not an OperatorDefinition"
                )
            result = cls().run(ctx)
            response.add_data(result)
        except MasonError as exc:
            response.fail_with(exc, scrub(exc.message), exc.exit_code)
            log.debug("operator %s failed", prepared.spec.name, exc_info=True)
        except Exception as exc:
            response.fail_with(exc, scrub(describe(exc)), 1)
            log.debug("operator %s crashed", prepared.spec.name, exc_info=True)
            if os.environ.get("MASON_DEBUG"):
                raise
        finally:
            engines.close()
        return response

    def run(
        self,
        namespace: str,
        command: str,
        params: dict[str, Any] | None = None,
        config_id: str | None = None,
        progress: Progress = NO_PROGRESS,
    ) -> Response:
        return self.run_prepared(self.prepare(namespace, command, params, config_id), progress)

    def validate(
        self,
        namespace: str,
        command: str,
        params: dict[str, Any] | None = None,
        config_id: str | None = None,
        unknown: UnknownParameters = "error",
    ) -> Response:
        self.registry.check_conflicts()  # validation vouches for the installation too
        prepared = self.prepare(namespace, command, params, config_id, unknown)
        response = Response()
        for warning in prepared.warnings:
            response.add_warning(warning)
        response.add_info(
            f"operator '{prepared.spec.name}' is valid with configuration '{prepared.config.id}'"
        )
        return response


_sessions: dict[Path, Session] = {}


def default_session() -> Session:
    """The session for the current MASON_HOME (re-read on every call)."""
    return home_session(MasonHome.from_env())


def home_session(home: MasonHome) -> Session:
    """The whole-registry session of ``home``, one per process."""
    session = _sessions.get(home.path)
    if session is None:
        session = _sessions[home.path] = Session(home)
    return session


def reset_sessions() -> None:
    _sessions.clear()
