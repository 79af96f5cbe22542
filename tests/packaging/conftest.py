"""The example plugins' own tests run inside the virtualenv their wheels are
installed into (see test_tinydb.py), not in this test session.

Every module here installs wheels built from this repository; each project's
wheel is built once per test session, into one folder (:class:`Wheelhouse`),
which also serves as the ``--find-links`` folder of ``pip install mason-core
mason-aws`` in test_install.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

collect_ignore_glob = ["mason-*/*"]

REPO = Path(__file__).resolve().parents[2]

#: distribution name -> project folder, for every distribution released with Mason
FIRST_PARTY = {
    "mason-core": REPO,
    **{p.name: p for p in sorted((REPO / "plugins").glob("mason-*")) if p.is_dir()},
}


class Wheelhouse:
    """One folder of freshly built wheels; each project is built at most once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._built: dict[Path, Path] = {}

    def wheel(self, project: Path) -> Path:
        from tests.packaging.test_wheels import check, run

        if project not in self._built:
            before = set(self.folder.glob("*.whl"))
            # --no-isolation: hatchling is a test dependency, so no network round trip
            build = [sys.executable, "-m", "build", "--wheel", "--no-isolation"]
            check(run([*build, "--outdir", self.folder, project]))
            (self._built[project],) = set(self.folder.glob("*.whl")) - before
        return self._built[project]

    def first_party(self) -> Path:
        """The folder, holding a wheel of every first-party distribution."""
        for project in FIRST_PARTY.values():
            self.wheel(project)
        return self.folder


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    return Wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
