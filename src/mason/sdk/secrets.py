"""Secret values never reach output. Mason remembers every secret it loads from a
configuration; a client that obtains one elsewhere (a token from an auth endpoint,
assumed-role credentials) calls :func:`remember`, and any text it shows a user
goes through :func:`scrub`."""

from mason_core.secrets import REDACTED, is_secret_field, redacted_dump, remember, scrub

__all__ = ["REDACTED", "is_secret_field", "redacted_dump", "remember", "scrub"]
