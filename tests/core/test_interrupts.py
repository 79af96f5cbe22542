"""A signal that lands during an import is raised once the import is over.

Raising inside a native extension's initialisation (DuckDB's, through
nanobind) aborts the whole process; CI saw a SIGTERM during ``import duckdb``
end a ``table query`` with SIGABRT and its job left ``running``. Pure Python
stands in for the native module here: what matters is that the exception does
not unwind through the import machinery.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mason_core import interrupts
from mason_core.interrupts import Terminated, raise_on_signals


@pytest.fixture
def handlers() -> Iterator[None]:
    saved = {n: signal.getsignal(n) for n in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)}
    raise_on_signals()
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    for number, handler in saved.items():
        signal.signal(number, handler)
    interrupts._seen.clear()  # this process goes on: later tests were not interrupted
    interrupts._held.clear()


def test_sigterm_during_an_import_is_raised_after_it(
    handlers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slow_native_init.py").write_text(
        "import os, signal, time\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(0.2)  # the signal arrives here, mid-import\n"
        "DONE = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(Terminated):
        module = importlib.import_module("slow_native_init")
        assert module.DONE  # the import finished whole
        time.sleep(2)  # the held signal is raised here, outside any import
    assert sys.modules["slow_native_init"].DONE is True
    sys.modules.pop("slow_native_init", None)


def test_sigterm_outside_an_import_is_raised_at_once(handlers: None) -> None:
    started = time.monotonic()
    with pytest.raises(Terminated):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(2)
    assert time.monotonic() - started < 1


SIGNAL_WHILE_HANDLERS_ARE_SET = """
import os, signal, sys
from mason_core import interrupts
from mason_core.cli.entry import guarded

def start_watcher_signalled():
    # the window a real SIGTERM hit under load: the handler is set, the
    # watcher thread not started yet
    os.kill(os.getpid(), signal.SIGTERM)

interrupts._start_watcher = start_watcher_signalled
sys.exit(guarded(lambda: print("the command ran")))
"""


def test_a_signal_while_the_cli_sets_its_handlers_is_an_interruption() -> None:
    """A SIGTERM landing inside ``raise_on_signals`` (after its handler is set)
    ends the CLI with 143 and one line, as any other SIGTERM, not with a
    traceback and exit 1. Run in a child: the signal ends that process."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_WHILE_HANDLERS_ARE_SET],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == ["error: terminated (SIGTERM)"]
    assert "the command ran" not in done.stdout
