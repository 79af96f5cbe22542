"""Mason core: the implementation behind the public :mod:`mason` facade.

Internal: plugins and users import :mod:`mason` and :mod:`mason.sdk`; names
here move between releases without notice, as ``_pytest`` does behind ``pytest``.

Nothing here imports a plugin by name; clients, engines, operators and
workflows arrive through the ``mason`` entry-point group.
"""

from mason_core.__about__ import __version__

__all__ = ["__version__"]
