"""Every engine of every first-party client is run through the conformance kit:
a client or engine added later without a conformance suite fails here."""

from __future__ import annotations

import importlib

from mason.testing.suites import EngineConformance
from mason_core.plugins import build_registry

#: the modules holding the first-party suites, one per plugin's test folder.
SUITES = (
    "tests.local.test_conformance",
    "tests.aws.test_conformance",
    "tests.spark.test_conformance",
)
FIRST_PARTY = {"local", "aws", "spark"}


def test_every_first_party_engine_has_a_conformance_suite() -> None:
    covered = set()
    for name in SUITES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EngineConformance):
                impl = getattr(value, "implementation", None)
                if impl is not None:
                    covered.add(f"{impl.__module__}:{impl.__name__}")
    registry = build_registry(None)
    wanted = {
        (client.name, engine, path)
        for client in registry.clients.values()
        if client.plugin in FIRST_PARTY
        for engine, path in client.engines.items()
    }
    assert len(wanted) >= 11
    missing = sorted(f"{c} ({e}): {p}" for c, e, p in wanted if p not in covered)
    assert missing == [], "no conformance suite for: " + ", ".join(missing)
