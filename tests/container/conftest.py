"""Fixtures of tests/container (run by ``nox -s container`` only): podman configured
for this machine, the stand-in base image, and Mason's image built from the Dockerfile.

Nothing is skipped: when podman cannot run a container the first fixture fails and
says why.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.container._podman import (
    BUILD_STAGE_IMAGE,
    MASON_IMAGE,
    Podman,
    PodmanUnavailable,
    write_engine_config,
)

#: figures the session measured, printed in the terminal summary.
FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def podman() -> Podman:
    engine = Podman(write_engine_config(), FIGURES)
    try:
        engine.check_usable()
    except PodmanUnavailable as exc:
        pytest.fail(f"podman cannot run containers here: {exc}", pytrace=False)
    return engine


@pytest.fixture(scope="session")
def base_image(podman: Podman) -> str:
    try:
        return podman.base_image()
    except PodmanUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def mason_image(podman: Podman, base_image: str) -> Iterator[str]:
    """The Dockerfile built on the stand-in base (podman's layer cache makes a
    rebuild of unchanged sources take seconds); the build stage is tagged too, so
    the images a rebuild replaces are removed."""
    base = ("--build-arg", f"BASE={base_image}")
    took = podman.build_replacing(
        {BUILD_STAGE_IMAGE: (*base, "--target", "build"), MASON_IMAGE: base}
    )
    FIGURES["mason image build"] = f"{took:.1f} s"
    FIGURES["mason image size"] = f"{podman.image_size(MASON_IMAGE) / 1e6:.0f} MB"
    yield MASON_IMAGE


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("container figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
