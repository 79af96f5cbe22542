"""The error hierarchy, split by whose fault it is.

``MasonUsageError`` and its subclasses are the user's mistakes: the CLI prints
them as one line and exits with 2. ``MasonRuntimeError`` is work that ran and
failed: exit code 1. Messages never contain secrets; callers redact values
before building one.
"""

from __future__ import annotations

from mason_core.messages import some_of


class MasonError(Exception):
    """Base of every error Mason raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class MasonUsageError(MasonError):
    """Bad input: parameters, configuration, unknown names. Exit code 2."""

    exit_code = 2


class ParameterError(MasonUsageError):
    """One or more parameters are missing, unknown or ill-typed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(some_of(self.problems, separator="; "))


class ConfigurationError(MasonUsageError):
    """A configuration file or client configuration is invalid or missing."""


class MissingClientsError(ConfigurationError):
    """A configuration valid but for clients whose plugins are not installed:
    ``mason config`` saves it as written, and it becomes usable once they are."""

    def __init__(self, message: str, config_id: str, clients: list[str]) -> None:
        super().__init__(message)
        self.config_id = config_id
        self.clients = list(clients)


class UnknownOperatorError(MasonUsageError):
    """No operator (or workflow) by that namespace and command."""


class UnsupportedConfigurationError(MasonUsageError):
    """The operator does not support the chosen configuration."""


class DefinitionError(MasonUsageError):
    """An ``operator.yaml`` or ``workflow.yaml`` is malformed."""


class MasonRuntimeError(MasonError):
    """Work that started and failed. Exit code 1."""


class VerbNotServedError(MasonRuntimeError):
    """A client was asked for an engine verb it does not implement."""

    def __init__(self, client: str, engine: str, verb: str) -> None:
        self.client, self.engine, self.verb = client, engine, verb
        super().__init__(f"client '{client}' does not serve '{verb}' as a {engine} engine")


class NotFoundError(MasonRuntimeError):
    """A named resource (table, database, job, path) does not exist."""


class AlreadyExistsError(MasonRuntimeError):
    """An output exists and overwriting was not asked for."""


class PluginLoadError(MasonError):
    """A plugin failed to import or to register."""
