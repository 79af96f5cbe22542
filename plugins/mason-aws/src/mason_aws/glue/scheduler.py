"""Glue crawlers as a scheduler.

A workflow of ``table infer`` steps (the one-step ``table infer`` workflow
of the original README) becomes one crawler: its S3 targets are the steps'
``storage_path``, its database their ``database_name``, its schedule the
workflow's. Triggering starts the crawler; refreshing a table runs the
crawler that made it. Other operators cannot run inside Glue and are refused
when the DAG is registered, not when it fires.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from mason.sdk.engines import EngineContext, SchedulerEngine
from mason.sdk.errors import ConfigurationError, MasonUsageError, NotFoundError
from mason.sdk.models import Dag, DagStep, Schedule, Table
from mason_aws.config import GlueClientConfig
from mason_aws.errors import aws_errors, is_code
from mason_aws.glue.cron import glue_cron
from mason_aws.s3.paths import parse_s3
from mason_aws.session import AwsSession

_TAG_NAMESPACE = "mason:namespace"
_TAG_COMMAND = "mason:command"


class GlueScheduler(SchedulerEngine):
    config: GlueClientConfig

    def __init__(self, config: GlueClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client)

    @cached_property
    def glue(self) -> Any:
        return self.aws.client("glue")

    def validate_schedule(self, expression: str) -> None:
        glue_cron(expression)

    def register_dag(self, dag: Dag, schedule: Schedule | None = None) -> Dag:
        schedule = schedule or dag.schedule
        database, targets = _crawl_plan(dag)
        role = self.config.aws_role_arn
        if role is None:
            raise ConfigurationError(
                f"client '{self.client_name}': crawlers need an IAM role to run as (aws_role_arn)"
            )
        spec: dict[str, Any] = {
            "Name": dag.name,
            "Role": role.get_secret_value(),
            "DatabaseName": database,
            "Targets": {"S3Targets": [{"Path": t} for t in targets]},
            "Description": f"mason workflow {dag.namespace or ''} {dag.command or ''}".strip(),
            "Tags": {
                _TAG_NAMESPACE: dag.namespace or "table",
                _TAG_COMMAND: dag.command or "infer",
            },
        }
        if schedule and schedule.expression:
            spec["Schedule"] = glue_cron(schedule.expression)
        with aws_errors(self.client_name, f"crawler '{dag.name}'"):
            try:
                self.glue.create_crawler(**spec)
            except Exception as exc:
                if not is_code(exc, "AlreadyExistsException"):
                    raise
                self.glue.delete_crawler(Name=dag.name)  # re-deploying replaces it
                self.glue.create_crawler(**spec)
        self.context.logger.info("Created table crawler %s", dag.name)
        return dag.model_copy(update={"schedule": schedule})

    def trigger_dag(self, dag_name: str) -> dict[str, Any]:
        with aws_errors(self.client_name, f"crawler '{dag_name}'"):
            try:
                self.glue.start_crawler(Name=dag_name)
                started = True
            except Exception as exc:
                if not is_code(exc, "CrawlerRunningException"):
                    raise
                started = False
        state = self.crawler_state(dag_name)
        state["started"] = started
        return state

    def delete_dag(self, dag_name: str) -> None:
        with aws_errors(self.client_name, f"crawler '{dag_name}'"):
            self.glue.delete_crawler(Name=dag_name)

    def list_dags(self) -> list[Dag]:
        out: list[Dag] = []
        with aws_errors(self.client_name, "crawlers"):
            for page in self.glue.get_paginator("get_crawlers").paginate():
                out.extend(_dag(c) for c in page.get("Crawlers", []))
        return out

    def trigger_refresh(self, table: Table) -> dict[str, Any]:
        """Run the crawler that made ``table``: the one named in its ``CreatedBy``,
        else one of the table's name, else one whose target holds its location."""
        name = self._crawler_for(table)
        if name is None:
            raise NotFoundError(
                f"{self.client_name}: no crawler refreshes table '{table.database}.{table.name}'"
            )
        return self.trigger_dag(name)

    def crawler_state(self, name: str) -> dict[str, Any]:
        """The crawler's state (READY, RUNNING, STOPPING) and its last crawl."""
        with aws_errors(self.client_name, f"crawler '{name}'"):
            crawler = self.glue.get_crawler(Name=name)["Crawler"]
        last = crawler.get("LastCrawl") or {}
        return {
            "name": name,
            "state": crawler.get("State", "UNKNOWN"),
            "last_crawl": last.get("Status"),
            "error": last.get("ErrorMessage"),
            "schedule": (crawler.get("Schedule") or {}).get("ScheduleExpression"),
        }

    def _crawler_for(self, table: Table) -> str | None:
        if table.created_by and table.created_by.startswith("crawler:"):
            return table.created_by.removeprefix("crawler:")
        crawlers = {d.name: d for d in self.list_dags()}
        if table.name in crawlers:
            return table.name
        location = (table.location or "").rstrip("/")
        for name, dag in crawlers.items():
            paths = [str(s.parameters.get("storage_path", "")).rstrip("/") for s in dag.steps]
            if location and any(location == p or location.startswith(p + "/") for p in paths):
                return name
        return None


def _crawl_plan(dag: Dag) -> tuple[str, list[str]]:
    """The crawler's database and S3 targets, or why the DAG cannot be one."""
    if not dag.steps:
        raise MasonUsageError(f"workflow '{dag.name}' has no steps to register with Glue")
    databases, targets = set(), []
    for step in dag.steps:
        if (step.namespace, step.command) != ("table", "infer"):
            raise MasonUsageError(
                f"the glue scheduler runs 'table infer' steps as crawlers; step '{step.id}' is "
                f"'{step.namespace} {step.command}'"
            )
        databases.add(str(step.parameters.get("database_name", "")))
        targets.append(parse_s3(str(step.parameters.get("storage_path", ""))).uri)
    if len(databases) != 1 or "" in databases:
        raise MasonUsageError(
            f"workflow '{dag.name}': a crawler fills one database; the steps name "
            f"{', '.join(sorted(databases)) or 'none'}"
        )
    return databases.pop(), targets


def _dag(crawler: dict[str, Any]) -> Dag:
    targets = (crawler.get("Targets") or {}).get("S3Targets") or []
    expression = (crawler.get("Schedule") or {}).get("ScheduleExpression")
    return Dag(
        name=crawler["Name"],
        namespace="table",
        command="infer",
        steps=[
            DagStep(
                id=f"step_{i}",
                namespace="table",
                command="infer",
                parameters={
                    "storage_path": t["Path"],
                    "database_name": crawler.get("DatabaseName"),
                },
            )
            for i, t in enumerate(targets, 1)
        ],
        schedule=Schedule(name=crawler["Name"], expression=expression) if expression else None,
    )
