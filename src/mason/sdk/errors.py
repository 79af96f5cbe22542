"""Mason's errors. ``MasonUsageError`` and its subclasses are the caller's fault
(exit code 2, HTTP 4xx); ``MasonRuntimeError`` is work that ran and failed (exit
code 1). Raise these from a client so the CLI, API and server report one line."""

from mason_core.errors import (
    AlreadyExistsError,
    ConfigurationError,
    DefinitionError,
    MasonError,
    MasonRuntimeError,
    MasonUsageError,
    NotFoundError,
    ParameterError,
    PluginLoadError,
    UnknownOperatorError,
    UnsupportedConfigurationError,
    VerbNotServedError,
)

__all__ = [
    "AlreadyExistsError",
    "ConfigurationError",
    "DefinitionError",
    "MasonError",
    "MasonRuntimeError",
    "MasonUsageError",
    "NotFoundError",
    "ParameterError",
    "PluginLoadError",
    "UnknownOperatorError",
    "UnsupportedConfigurationError",
    "VerbNotServedError",
]
