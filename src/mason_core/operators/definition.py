"""The base class operators implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mason_core.operators.context import OperatorContext


class OperatorDefinition(ABC):
    """An operator's behaviour. ``run`` gets validated, typed parameters and the
    engines of the chosen configuration through ``ctx``; it returns canonical
    models (or a list of them) for the response's ``Data``, adds messages with
    ``ctx.response.add_info`` / ``add_warning``, and raises a
    :class:`~mason_core.errors.MasonError` to fail."""

    @abstractmethod
    def run(self, ctx: OperatorContext) -> Any: ...
