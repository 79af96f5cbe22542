"""Does an operator support a configuration, and which installed clients can run it?

An operator states its needs one of two ways. ``requires`` names engines and the
verbs it calls on them: any configured client whose implementation serves those
verbs qualifies, so a new client runs existing operators without a release of
theirs. ``supported_configurations`` names clients: one entry must have every
named engine served by the named client, for operators that depend on a pairing.
Either way the error on mismatch names the engine, the client and what is missing.
"""

from __future__ import annotations

from mason_core.config.model import ValidConfig
from mason_core.errors import UnsupportedConfigurationError
from mason_core.operators.spec import OperatorSpec
from mason_core.registry import Registry

#: engine -> the installed clients that fit it; one combination of an operator's needs.
Combination = dict[str, list[str]]


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


def missing_verbs(registry: Registry, client: str, engine: str, verbs: list[str]) -> list[str]:
    """The verbs of ``verbs`` that ``client`` does not serve as ``engine``."""
    try:
        served = set(registry.served_verbs(client, engine))
    except Exception:  # an implementation that cannot import serves nothing
        served = set()
    return [verb for verb in verbs if verb not in served]


def match_requirements(
    kind_and_name: str, requires: dict[str, list[str]], config: ValidConfig, registry: Registry
) -> dict[str, str]:
    """Per required engine, the first configured client serving every required verb."""
    chosen: dict[str, str] = {}
    problems: list[str] = []
    for engine, verbs in requires.items():
        candidates = config.clients_for(engine)
        if not candidates:
            problems.append(f"it needs a {engine} engine and the configuration assigns none")
            continue
        misses: list[str] = []
        for client in candidates:
            missing = missing_verbs(registry, client, engine, verbs)
            if not missing:
                chosen[engine] = client
                break
            misses.append(f"{engine} client '{client}' does not serve {', '.join(missing)}")
        else:
            problems.extend(misses)
    if problems:
        needs = "; ".join(f"{e}: {', '.join(v) or 'any verb'}" for e, v in requires.items())
        raise UnsupportedConfigurationError(
            f"{kind_and_name} does not support configuration '{config.id}': "
            f"{'; '.join(problems)} (requires {needs})"
        )
    return chosen


def match_operator(spec: OperatorSpec, config: ValidConfig, registry: Registry) -> dict[str, str]:
    """The engine -> client choice an operator runs with under ``config``."""
    name = f"operator '{spec.name}'"
    if spec.requires:
        return match_requirements(name, spec.requires, config, registry)
    return match_configuration(name, spec.supported_configurations, config)


def capable_clients(spec: OperatorSpec, registry: Registry) -> list[Combination]:
    """The installed clients that can run ``spec``: one combination per way it
    can be satisfied (an empty combination when it needs no engine; an engine
    mapped to no client when nothing installed fits it)."""
    if spec.requires:
        return [
            {
                engine: [
                    client
                    for client, client_spec in sorted(registry.clients.items())
                    if engine in client_spec.engines
                    and not missing_verbs(registry, client, engine, verbs)
                ]
                for engine, verbs in spec.requires.items()
            }
        ]
    if not spec.supported_configurations:
        return [{}]
    return [
        {engine: [client] for engine, client in entry.items()}
        for entry in spec.supported_configurations
        if all(
            client in registry.clients and engine in registry.clients[client].engines
            for engine, client in entry.items()
        )
    ]


def describe_combination(combination: Combination) -> str:
    """``metastore: glue | local + storage: s3`` ('any configuration' when empty)."""
    if not combination:
        return "any configuration"
    return " + ".join(
        f"{engine}: {' | '.join(clients) if clients else '(no installed client)'}"
        for engine, clients in combination.items()
    )


def operator_capabilities(registry: Registry) -> list[dict[str, str]]:
    """Per installed operator, the installed clients that can run it (one line)."""
    return [
        {
            "operator": spec.name,
            "needs": "; ".join(f"{e}: {', '.join(v)}" for e, v in spec.requires.items())
            or ("named clients" if spec.supported_configurations else "nothing"),
            "runs_on": "; ".join(describe_combination(c) for c in capable_clients(spec, registry))
            or "no installed client",
        }
        for spec in registry.operator_specs()
    ]
