"""mason-airflow: Airflow as Mason's scheduler, and Mason operators in Airflow DAGs.

``MasonOperator`` is imported on first use, since it needs Airflow itself;
the scheduler client only needs Airflow's REST API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from mason_airflow.operator import MasonOperator

__all__ = ["MasonOperator", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "MasonOperator":
        from mason_airflow.operator import MasonOperator

        return MasonOperator
    raise AttributeError(f"module 'mason_airflow' has no attribute {name!r}")
