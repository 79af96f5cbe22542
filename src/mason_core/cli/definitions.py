"""``mason register`` / ``apply``, ``mason get`` and ``mason validate``."""

from __future__ import annotations

from pathlib import Path

import typer

from mason_core.cli.output import (
    OutputFormat,
    cli_errors,
    echo_json,
    emit_response,
    fail,
    resolve_output,
)
from mason_core.cli.params import UnknownParams, collect_parameters, unknown_params_option
from mason_core.cli.session import current_session
from mason_core.errors import DefinitionError


def register_cmd(
    path: Path = typer.Argument(..., help="A folder (or file) of operator.yaml / workflow.yaml."),
) -> None:
    """Register folder operators and workflows into MASON_HOME."""
    from mason_core.cli.listing import operator_index
    from mason_core.register import register_path

    with cli_errors():
        session = current_session()
        done = register_path(session.home, path)
        session.reload()
        registry = session.registry
        operator_index()  # refreshed now, from the registry just built
        for item in done:
            replaced = registry.overridden(item.kind, item.namespace, item.command)
            note = f" (overrides the {item.kind} from {replaced})" if replaced else ""
            typer.echo(
                f"Valid {item.kind} definition. Registered {item.namespace} {item.command} "
                f"from {item.source} to {item.target}{note}"
            )


def get(
    kind: str = typer.Argument(..., help="operator, workflow, config or plugin"),
    names: list[str] = typer.Argument(None, help="NAMESPACE COMMAND, a config id or plugin name"),
) -> None:
    """Show one definition in full (JSON, secrets REDACTED)."""
    with cli_errors():
        session = current_session()
        names = names or []
        if kind in ("operator", "op", "workflow", "wf"):
            if len(names) != 2:
                raise fail(f"usage: mason get {kind} NAMESPACE COMMAND")
            if kind in ("operator", "op"):
                from mason_core.operators.support import capable_clients

                spec = session.registry.operator(names[0], names[1])
                shown = spec.model_dump(mode="json", by_alias=True)
                # which installed clients can run it: per way of satisfying it,
                # engine -> clients (any choice per engine works)
                shown["capable_clients"] = capable_clients(spec, session.registry)
                echo_json(shown)
            else:
                workflow = session.registry.workflow(names[0], names[1])
                echo_json(workflow.model_dump(mode="json", by_alias=True))
        elif kind == "config":
            config = session.configs.get(names[0] if names else None)
            echo_json({"Id": config.id, "Builtin": config.builtin, "Engines": config.redacted()})
        elif kind == "plugin":
            # an entry-point name (``acme``) or a distribution name (``mason-acme``)
            plugins = session.registry.plugins
            found = [p for p in plugins if not names or any(p.matches(n) for n in names)]
            if not found:
                raise fail(f"unknown plugin '{' '.join(names)}'")
            echo_json([p.row() for p in found])
        else:
            raise fail(f"unknown kind '{kind}' (operator, workflow, config, plugin)")


def validate(
    target: str = typer.Argument(
        ..., help="A definition/config file or folder, or an operator NAMESPACE."
    ),
    command: str | None = typer.Argument(None, help="Operator command, when validating a call."),
    params: str | None = typer.Option(None, "-p", "--parameters"),
    param_file: Path | None = typer.Option(None, "-f", "--file"),
    config_id: str | None = typer.Option(None, "-c", "--config"),
    output: OutputFormat | None = typer.Option(None, "--output", "-o"),
    unknown_params: UnknownParams = unknown_params_option(),
) -> None:
    """Validate definition files, or an operator call, without running anything.

    Refused while two installed plugins claim the same name (see ``mason plugins``).
    """
    out = resolve_output(output)
    with cli_errors():
        session = current_session()
        session.registry.check_conflicts()
        path = Path(target)
        if command is None and path.exists():
            for line in validate_files(path):
                typer.echo(line)
            return
        if command is None:
            raise fail(f"'{target}' is neither a file nor 'NAMESPACE COMMAND'")
        given = collect_parameters(params, param_file)
        emit_response(
            session.validate(target, command, given, config_id, unknown_params.mode),
            out,
            "Validation",
        )


def validate_files(path: Path) -> list[str]:
    """Validate every operator, workflow and config YAML under ``path``."""
    from mason_core.config.model import is_configuration
    from mason_core.definitions import read_yaml
    from mason_core.operators.spec import parse_operator
    from mason_core.original import refuse_original_code
    from mason_core.workflows.spec import parse_workflow

    session = current_session()
    files = (
        [path]
        if path.is_file()
        else sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
    )
    lines: list[str] = []
    for f in files:
        data = read_yaml(f)
        kind = data.get("type") if isinstance(data, dict) else None
        if is_configuration(data):
            kind = "config"  # ``type`` is optional there, as ``mason config`` reads it
        if kind in ("operator", "workflow"):
            spec = (parse_operator if kind == "operator" else parse_workflow)(f, "validate", data)
            if spec.implementation is None:
                refuse_original_code(f.parent, kind, spec.namespace, spec.command)
        elif kind == "config":
            session.configs.read_file(f)
        else:
            if path.is_file():
                raise DefinitionError(
                    f"{f}: no 'type: operator|workflow|config', and no engine assignment "
                    "(metastore_engine: ...) that would make it a configuration"
                )
            continue
        lines.append(f"valid {kind}: {f}")
    if not lines:
        raise DefinitionError(f"{path}: no operator, workflow or config definitions found")
    return lines


def register(app: typer.Typer) -> None:
    app.command("register")(register_cmd)
    app.command("apply", hidden=True)(register_cmd)
    app.command("get")(get)
    app.command("validate")(validate)
