"""Secret values never reach output. Mason remembers every secret it loads from a
configuration; a client that obtains one elsewhere (a token from an auth endpoint,
assumed-role credentials) calls :func:`remember`, and any text it shows a user
goes through :func:`scrub`. ``{{VAR}}`` references are read where they are used
with :func:`interpolate` over :func:`environment` (the process environment,
then ``.env`` in the working directory and in MASON_HOME)."""

from mason_core.config.interpolate import environment, interpolate, variables_in
from mason_core.secrets import REDACTED, is_secret_field, redacted_dump, remember, scrub

__all__ = [
    "REDACTED",
    "environment",
    "interpolate",
    "is_secret_field",
    "redacted_dump",
    "remember",
    "scrub",
    "variables_in",
]
