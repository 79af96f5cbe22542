"""``MasonOperator``: a Mason operator as an Airflow task.

    from mason_airflow import MasonOperator

    infer = MasonOperator(
        task_id="infer",
        namespace="table",
        command="infer",
        config_id="prod",
        parameters={"database_name": "sales", "storage_path": "s3://bucket/sales/"},
    )

The operator, configuration and parameters are checked when Airflow parses the
DAG file, so a bad parameter is a DAG import error, not a failed task at 3 a.m.
The task runs the operator through Mason and pushes the response envelope
(``Errors``, ``Info``, ``Warnings``, ``Data``) to XCom as its return value. A
run that failed is retried per the task's ``retries``; bad input is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from mason_airflow import steps


class MasonOperator(BaseOperator):  # type: ignore[misc]  # Airflow is untyped here
    template_fields = ()
    ui_color = "#d9e7f5"

    def __init__(
        self,
        *,
        namespace: str,
        command: str,
        config_id: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        workflow: tuple[str, str] | None = None,
        mason_home: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.namespace = namespace
        self.command = command
        self.config_id = config_id
        self.parameters = dict(parameters or {})
        #: the Mason workflow this task is a step of, whose definition class decides
        #: about the steps after it (set in generated DAGs).
        self.workflow = (str(workflow[0]), str(workflow[1])) if workflow else None
        self.mason_home = mason_home
        steps.validate(namespace, command, config_id, self.parameters, mason_home, self.workflow)

    def execute(self, context: Any) -> dict[str, Any]:
        ti = context["ti"]

        def pull(task_id: str, key: str) -> Any:
            return ti.xcom_pull(task_ids=task_id, key=key)

        def push(key: str, value: Any) -> None:
            ti.xcom_push(key=key, value=value)

        downstream = [
            steps.Downstream(
                t.task_id,
                getattr(t, "namespace", ""),
                getattr(t, "command", ""),
                getattr(t, "config_id", None),
                dict(getattr(t, "parameters", {}) or {}),
            )
            for t in self.downstream_list
            if isinstance(t, MasonOperator)
        ]
        try:
            return steps.run_step(
                task_id=self.task_id,
                namespace=self.namespace,
                command=self.command,
                config_id=self.config_id,
                parameters=self.parameters,
                mason_home=self.mason_home,
                workflow=self.workflow,
                upstream=sorted(self.upstream_task_ids),
                downstream=downstream,
                attempt=int(getattr(ti, "try_number", 1) or 1),
                pull=pull,
                push=push,
            )
        except steps.StepSkipped as skip:
            raise AirflowSkipException(skip.reason) from None
        except steps.StepFailed as failed:
            if failed.retry:
                raise AirflowException(failed.message) from None
            raise AirflowFailException(failed.message) from None
