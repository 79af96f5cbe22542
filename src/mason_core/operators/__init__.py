"""Operators: definitions, parameters, configuration support and context."""

from mason_core.operators.context import EngineSet, OperatorContext
from mason_core.operators.definition import OperatorDefinition
from mason_core.operators.spec import OperatorSpec, ParameterSpec

__all__ = ["EngineSet", "OperatorContext", "OperatorDefinition", "OperatorSpec", "ParameterSpec"]
