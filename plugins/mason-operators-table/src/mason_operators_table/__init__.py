"""Mason's standard operator bundle: ``table``, ``database`` and ``job`` operators.

Operators live one per folder under ``operators/`` (``operator.yaml`` plus an
``__init__.py`` with the class); :mod:`mason_operators_table.plugin` registers them.
"""

__version__ = "0.2.0"
