"""The test classes a plugin subclasses, one per engine.

Parametrization happens at collection, from the implementation class alone:
one test per served verb, running that verb's contract checks in order on one
seeded case (a failure names the check); one test for all unserved verbs; one
for the class and its repr. Each test seeds once, which keeps a suite against
a real service quick. A suite whose client serves no checked verb gets a case
asserting exactly that, so no test is ever skipped.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import pytest

from mason.sdk.engines import (
    Engine,
    ExecutionEngine,
    MetastoreEngine,
    SchedulerEngine,
    StorageEngine,
)
from mason.sdk.errors import VerbNotServedError
from mason.testing.checks import CHECKS, Check, no_secret

_NO_CHECKED_VERB = "(no served verb has a contract check)"


class EngineConformance:
    """Subclass one of the engine suites below, not this."""

    #: the engine interface the suite checks against; set by each suite.
    interface: ClassVar[type[Engine]] = Engine
    #: the plugin's implementation class; set by the plugin's subclass.
    implementation: ClassVar[type[Engine]]

    @pytest.fixture
    def conformance_case(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define a 'conformance_case' fixture")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        impl = getattr(self, "implementation", None)
        if impl is None:
            raise TypeError(f"{type(self).__name__} must set 'implementation'")
        if "served_verb" in metafunc.fixturenames:
            checked = {c.verb for c in self._checks()}
            verbs = [v for v in impl.served_verbs() if v in checked]
            metafunc.parametrize("served_verb", verbs or [_NO_CHECKED_VERB])

    @classmethod
    def _checks(cls) -> list[Check]:
        return [c for c in CHECKS if c.engine == cls.interface.engine_type]

    def test_implementation_fits_the_interface(self, conformance_case: Any) -> None:
        impl = type(self).implementation
        assert issubclass(impl, self.interface), f"{impl} is not a {self.interface.__name__}"
        assert isinstance(conformance_case.engine, impl)
        assert impl.interface() is self.interface
        engine = conformance_case.engine
        for text in (repr(engine), str(engine), repr(engine.config), str(engine.config)):
            no_secret(text, conformance_case.secrets)

    def test_served_verb_keeps_the_contract(self, conformance_case: Any, served_verb: str) -> None:
        """Every check of one served verb, in order, on one seeded case."""
        if served_verb == _NO_CHECKED_VERB:
            served = type(self).implementation.served_verbs()
            assert not set(served) & {c.verb for c in self._checks()}
            return
        for check in self._checks():
            if check.verb == served_verb:
                try:
                    check.run(conformance_case)
                except AssertionError as exc:
                    raise AssertionError(f"{check.id}: {exc}") from exc

    def test_unserved_verbs_raise_verb_not_served(self, conformance_case: Any) -> None:
        engine = conformance_case.engine
        for verb in self.interface.VERBS:
            if verb in type(engine).served_verbs():
                continue
            method = getattr(engine, verb)
            # unserved verbs raise before looking at their arguments
            args = [
                None
                for p in inspect.signature(method).parameters.values()
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            with pytest.raises(VerbNotServedError) as caught:
                method(*args)
            assert (caught.value.client, caught.value.engine, caught.value.verb) == (
                engine.client_name,
                self.interface.engine_type,
                verb,
            ), f"{verb}: the error names the wrong client, engine or verb"
            no_secret(str(caught.value), conformance_case.secrets)


class MetastoreConformance(EngineConformance):
    """Checks a metastore; ``conformance_case`` returns a :class:`MetastoreCase`."""

    interface = MetastoreEngine


class StorageConformance(EngineConformance):
    """Checks a storage; ``conformance_case`` returns a :class:`StorageCase`."""

    interface = StorageEngine


class ExecutionConformance(EngineConformance):
    """Checks an execution engine; ``conformance_case`` returns an :class:`ExecutionCase`."""

    interface = ExecutionEngine


class SchedulerConformance(EngineConformance):
    """Checks a scheduler; ``conformance_case`` returns a :class:`SchedulerCase`."""

    interface = SchedulerEngine
