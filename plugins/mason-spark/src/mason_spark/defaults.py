"""Spark settings every runner starts from; a configuration's ``conf`` wins."""

from __future__ import annotations

BASE_CONF: dict[str, str] = {
    # a progress bar on stderr would garble the CLI's output
    "spark.ui.showConsoleProgress": "false",
    # timestamps read and written the same whatever the machine's zone
    "spark.sql.session.timeZone": "UTC",
}


def spark_conf(extra: dict[str, str]) -> dict[str, str]:
    return {**BASE_CONF, **extra}
