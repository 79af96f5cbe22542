"""mason-acme: an example third-party Mason plugin.

Importing this package (or its entry point, :mod:`mason_acme.plugin`) loads
only metadata; the metastore implementation is imported when a job uses it.
"""

__version__ = "0.3.1"
