"""Canonical models: what every engine verb takes and returns."""

from mason_core.models import *  # noqa: F403
from mason_core.models import __all__ as __all__
