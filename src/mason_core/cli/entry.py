"""The ``mason`` console script.

Listings and help (``mason op``, ``mason op NS``, ``mason op NS CMD --help``,
``mason --help``) are answered from the registry index before Typer,
pydantic or any plugin is imported; everything else goes to the Typer
application in :mod:`mason_core.cli.app`.
"""

from __future__ import annotations

import logging
import sys


def configure_logging(debug: bool) -> None:
    """Mason's log records go to stderr, scrubbed of secrets."""
    from mason_core.secrets import ScrubbingFilter, ScrubbingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubbingFilter())
    handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("mason")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.propagate = False


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    from mason_core.cli.listing import answer_listing, cached_root_help, listing_request

    listing = listing_request(args)
    if listing is not None:
        configure_logging(debug=False)
        raise SystemExit(answer_listing(listing))
    if args in (["--help"], ["-h"]):
        configure_logging(debug=False)
        text = cached_root_help()
        if text is not None:
            sys.stdout.write(text + "\n")
            raise SystemExit(0)
    from mason_core.cli.app import main as run

    run(args)


if __name__ == "__main__":  # pragma: no cover
    main()
