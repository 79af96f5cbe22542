"""Installing small plugin distributions into a folder on ``sys.path``, in
process: a ``.dist-info`` with ``METADATA`` and ``entry_points.txt`` next to
the package, which is all ``importlib.metadata`` (and so Mason) looks at."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

#: a plugin module registering a client and a folder of operators; ``{client}``
#: and the operators under ``operators/`` are filled in per distribution.
PLUGIN = textwrap.dedent(
    """\
    from pathlib import Path

    from pydantic import BaseModel

    from mason import hookimpl


    class Settings(BaseModel):
        pass


    @hookimpl
    def mason_register_clients(register):
        for name in {clients!r}:
            register(name, config_model=Settings, engines={{"metastore": "x:Y"}})


    @hookimpl
    def mason_register_operators(register):
        register(Path(__file__).parent / "operators")
    """
)


def operator_yaml(namespace: str, command: str, description: str) -> str:
    return (
        f"type: operator\nnamespace: {namespace}\ncommand: {command}\ndescription: {description}\n"
    )


def install(
    site: Path,
    dist: str,
    version: str,
    entry: str,
    *,
    clients: tuple[str, ...] = (),
    operators: tuple[tuple[str, str], ...] = (),
) -> Path:
    """Install ``dist`` (entry point ``entry``) into ``site``; returns its package."""
    module = dist.replace("-", "_")
    package = site / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN.format(clients=list(clients)))
    for namespace, command in operators:
        folder = package / "operators" / namespace / command
        folder.mkdir(parents=True)
        (folder / "operator.yaml").write_text(
            operator_yaml(namespace, command, f"{command} from {dist}")
        )
    info = site / f"{module}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[mason]\n{entry} = {module}\n")
    return package


def uninstall(site: Path, dist: str) -> None:
    module = dist.replace("-", "_")
    shutil.rmtree(site / module)
    for info in site.glob(f"{module}-*.dist-info"):
        shutil.rmtree(info)
