"""Canonical models: what every engine verb takes and returns."""

from typing import TYPE_CHECKING

from mason_core.lazy import lazy_exports
from mason_core.models import WHERE
from mason_core.models import __all__ as __all__

if TYPE_CHECKING:
    from mason_core.models import *  # noqa: F403

#: each model loads on first use, with its module (see :mod:`mason_core.models`)
__getattr__, __dir__ = lazy_exports(__name__, globals(), WHERE)
