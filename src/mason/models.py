"""The canonical models, importable as ``from mason.models import Table``."""

from mason_core.models import *  # noqa: F403
from mason_core.models import __all__ as __all__
