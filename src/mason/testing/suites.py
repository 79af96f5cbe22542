"""The test classes a plugin subclasses, one per engine.

Parametrization happens at collection, from the implementation class alone:
one test per contract check of a served verb, one per unserved verb. A suite
with nothing to parametrize gets a case asserting why (every verb served, or no
served verb with a contract check), so no test is ever skipped.
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

_ALL_SERVED = "(every verb is served)"
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
        served = impl.served_verbs()
        if "check" in metafunc.fixturenames:
            checks: list[Any] = [
                c for c in CHECKS if c.engine == self.interface.engine_type and c.verb in served
            ]
            ids = [c.id for c in checks]
            metafunc.parametrize("check", checks or [_NO_CHECKED_VERB], ids=ids or None)
        if "unserved_verb" in metafunc.fixturenames:
            unserved = [v for v in self.interface.VERBS if v not in served]
            metafunc.parametrize("unserved_verb", unserved or [_ALL_SERVED])

    def test_implementation_fits_the_interface(self, conformance_case: Any) -> None:
        impl = type(self).implementation
        assert issubclass(impl, self.interface), f"{impl} is not a {self.interface.__name__}"
        assert isinstance(conformance_case.engine, impl)
        assert impl.interface() is self.interface

    def test_served_verb_keeps_the_contract(self, conformance_case: Any, check: Any) -> None:
        if check == _NO_CHECKED_VERB:
            served = type(self).implementation.served_verbs()
            checked = {c.verb for c in CHECKS if c.engine == self.interface.engine_type}
            assert not set(served) & checked
            return
        assert isinstance(check, Check)
        check.run(conformance_case)

    def test_unserved_verb_raises_verb_not_served(
        self, conformance_case: Any, unserved_verb: str
    ) -> None:
        engine = conformance_case.engine
        if unserved_verb == _ALL_SERVED:
            assert set(type(engine).served_verbs()) == set(self.interface.VERBS)
            return
        method = getattr(engine, unserved_verb)
        # unserved verbs raise before looking at their arguments
        args = [
            None
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        with pytest.raises(VerbNotServedError) as caught:
            method(*args)
        assert caught.value.verb == unserved_verb
        assert caught.value.engine == self.interface.engine_type
        assert caught.value.client == engine.client_name

    def test_no_secret_in_repr(self, conformance_case: Any) -> None:
        engine = conformance_case.engine
        for text in (repr(engine), str(engine), repr(engine.config), str(engine.config)):
            no_secret(text, conformance_case.secrets)


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
