"""podman for tests/container: the engine configuration this machine kind needs, the
stand-in base image, builds, and small helpers around ``podman`` and ``podman-compose``.

podman runs containers here only with runc and lowered default ulimits (crun refuses
the kernel's hybrid cgroups; RLIMIT_NOFILE cannot be raised above the hard limit), so
every command runs with ``CONTAINERS_CONF`` naming a containers.conf that says so. When
the host's pip trusts a CA bundle of its own (a TLS-intercepting proxy's CA is in it),
that bundle is mounted over the system's in every container and build step, never
baked into an image. No image can be pulled: the base is built from Debian's packages
(scripts/container-base.sh) once per recipe and kept in podman's store.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
BASE_SCRIPT = ROOT / "scripts" / "container-base.sh"
#: the stand-in base: one tag per recipe (script and Debian release), built once.
BASE_REPO = "localhost/mason-test-base"
MASON_IMAGE = "localhost/mason-test:latest"
#: the Dockerfile's build stage, tagged so the one it replaces can be removed
BUILD_STAGE_IMAGE = "localhost/mason-test:build-stage"
MOTO_IMAGE_REPO = "localhost/mason-test-moto"
#: where the containers.conf these tests run podman with is written
CONF_DIR = Path("/var/tmp/mason-container-tests")


class PodmanUnavailable(RuntimeError):
    """podman cannot run containers here; the message says why."""


def host_ca_bundle() -> Path | None:
    """The CA bundle the host's pip trusts, when it names one (a TLS-intercepting
    proxy's CA is in it); ``None`` when pip uses its own."""
    for name in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(name)
        if value and Path(value).is_file():
            return Path(value)
    return None


def debian_suite() -> str:
    """The Debian release of the host's apt sources (the stand-in base matches it)."""
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"')
    raise PodmanUnavailable("/etc/os-release names no VERSION_CODENAME: not a Debian host")


def write_engine_config() -> dict[str, str]:
    """Writes containers.conf and returns the environment that uses it."""
    CONF_DIR.mkdir(parents=True, exist_ok=True)
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = min(hard if hard != resource.RLIM_INFINITY else 1 << 20, 20000)
    ca = host_ca_bundle()
    # the Dockerfile's build stage trusts the system store: the host's bundle over it
    volumes = [f"{ca}:/etc/ssl/certs/ca-certificates.crt:ro"] if ca is not None else []
    conf = CONF_DIR / "containers.conf"
    conf.write_text(
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc=32768:32768"]\n'
        f"volumes = {json.dumps(volumes)}\n"
        "[engine]\n"
        'runtime = "runc"\n'
    )
    env = dict(os.environ)
    env["CONTAINERS_CONF"] = str(conf)
    return env


@dataclass
class Podman:
    env: dict[str, str]
    #: what the session measured (build times, image size), printed at its end.
    figures: dict[str, str] = field(default_factory=dict)

    def run(
        self, *args: str, check: bool = True, timeout: float = 600, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["podman", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"podman {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}"
            )
        return done

    def compose(
        self, project: str, *args: str, env: dict[str, str], timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["podman-compose", "-p", project, *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"podman-compose {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def check_usable(self) -> None:
        """Raises PodmanUnavailable, saying why, unless a container runs."""
        for tool in ("podman", "podman-compose", "runc", "debootstrap"):
            if shutil.which(tool) is None:
                raise PodmanUnavailable(
                    f"{tool} is not on PATH (nox -s container installs it with "
                    "scripts/install-podman.sh: apt, as root or through sudo)"
                )
        info = self.run("info", "--format", "{{.Host.OCIRuntime.Name}}", check=False)
        if info.returncode != 0:
            raise PodmanUnavailable(f"podman info failed: {info.stderr.strip()[-2000:]}")

    def base_image(self) -> str:
        """The stand-in base, built by scripts/container-base.sh unless its tag exists:
        keyed by the Debian release and the script's content."""
        suite = debian_suite()
        digest = hashlib.sha256(BASE_SCRIPT.read_bytes()).hexdigest()[:12]
        tag = f"{BASE_REPO}:{suite}-{digest}"
        if self.run("image", "exists", tag, check=False).returncode != 0:
            started = time.monotonic()
            done = subprocess.run(
                ["bash", str(BASE_SCRIPT), tag, suite],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if done.returncode != 0:
                raise PodmanUnavailable(f"building the base image failed:\n{done.stderr[-3000:]}")
            self.figures["base image built (debootstrap + import)"] = seconds(started)
        else:
            self.figures["base image"] = f"{tag} (cached)"
        smoke = self.run("run", "--rm", tag, "python3", "-c", "print(1)", check=False, timeout=120)
        if smoke.returncode != 0 or smoke.stdout.strip() != "1":
            raise PodmanUnavailable(
                f"podman cannot run a container (CONTAINERS_CONF={self.env['CONTAINERS_CONF']}): "
                f"{smoke.stderr.strip()[-2000:]}"
            )
        return tag

    def build(self, tag: str, *args: str, context: Path = ROOT) -> float:
        started = time.monotonic()
        self.run("build", "--format", "docker", "--tag", tag, *args, str(context), timeout=1800)
        return time.monotonic() - started

    def image_id(self, tag: str) -> str | None:
        found = self.run("image", "inspect", "--format", "{{.Id}}", tag, check=False)
        return found.stdout.strip() if found.returncode == 0 else None

    def build_replacing(self, builds: dict[str, tuple[str, ...]]) -> float:
        """Builds each tag with its arguments, in order, then removes the images those
        tags named before when they changed, so rebuilding after each source change
        does not pile up a 400 MB image per run. Returns the seconds taken."""
        before = {tag: self.image_id(tag) for tag in builds}
        took = sum(self.build(tag, *args) for tag, args in builds.items())
        for tag, old in before.items():
            if old is not None and old != self.image_id(tag):
                self.run("rmi", old, check=False)  # in use (a running test elsewhere): kept
        return took

    def image_size(self, tag: str) -> int:
        return int(self.run("image", "inspect", "--format", "{{.Size}}", tag).stdout.strip())

    def wait_exited(self, name: str, seconds: float) -> tuple[int, float]:
        """(exit code, seconds waited) once container ``name`` has stopped; fails after
        ``seconds``."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            state = self.run("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name)
            status, code = state.stdout.split()
            if status in ("exited", "stopped"):
                return int(code), time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"container {name} still running after {seconds:.0f} s")

    def remove(self, *names: str) -> None:
        self.run("rm", "--force", "--ignore", *names, check=False)


def seconds(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"


def http(
    method: str, url: str, token: str | None = None, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    """One request to a published port on 127.0.0.1: (status, decoded JSON body)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    response = httpx.request(method, url, json=body, headers=headers, timeout=120)
    return response.status_code, response.json()


def wait_healthy(url: str, seconds_: float = 90) -> None:
    deadline = time.monotonic() + seconds_
    last: object = None
    while time.monotonic() < deadline:
        try:
            status, body = http("GET", f"{url}/api/health")
            if status == 200:
                return
            last = (status, body)
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"{url}/api/health did not answer 200 within {seconds_:.0f} s: {last}")
