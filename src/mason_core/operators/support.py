"""Does an operator support a configuration? One entry of
``supported_configurations`` must have every named engine served by the named
client; the error on mismatch names the engines and clients that do not fit."""

from __future__ import annotations

from mason_core.config.model import ValidConfig
from mason_core.errors import UnsupportedConfigurationError
from mason_core.operators.spec import OperatorSpec


def match_configuration(
    kind_and_name: str, supported: list[dict[str, str]], config: ValidConfig
) -> dict[str, str]:
    """The engine -> client choice that fits, or an error saying why none does."""
    if not supported:
        return {}
    misfits: list[list[str]] = []
    for entry in supported:
        bad = []
        for engine, client in entry.items():
            have = config.clients_for(engine)
            if client not in have:
                got = ", ".join(have) if have else "no client"
                bad.append(f"{engine} needs client '{client}' but configuration has {got}")
        if not bad:
            return dict(entry)
        misfits.append(bad)
    closest = min(misfits, key=len)
    options = "; ".join(" + ".join(f"{e}: {c}" for e, c in entry.items()) for entry in supported)
    raise UnsupportedConfigurationError(
        f"{kind_and_name} does not support configuration '{config.id}': "
        f"{'; '.join(closest)} (supported: {options})"
    )


def match_operator(spec: OperatorSpec, config: ValidConfig) -> dict[str, str]:
    return match_configuration(f"operator '{spec.name}'", spec.supported_configurations, config)
