"""Schedules as Glue takes them: Mason's five fields translated, Glue's own six
fields (the original Mason's form) taken as written after the same checks."""

from __future__ import annotations

import pytest
from mason_aws.glue.cron import glue_cron

from mason_core.errors import MasonUsageError


@pytest.mark.parametrize(
    ("given", "glue"),
    [
        ("0 2 * * *", "cron(0 2 * * ? *)"),
        ("0 2 * * 1-5", "cron(0 2 ? * 2-6 *)"),
        ("0 12 * * ? *", "cron(0 12 * * ? *)"),
        ("cron(15 10 ? * 2-6 *)", "cron(15 10 ? * 2-6 *)"),
        ("0 0 L * ? *", "cron(0 0 L * ? *)"),
    ],
)
def test_glue_cron_takes_both_forms(given: str, glue: str) -> None:
    assert glue_cron(given) == glue


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("0 12 * * * *", r"needs '\?' in exactly one"),
        ("0 12 ? * ? *", r"needs '\?' in exactly one"),
        ("0 99 * * ? *", "cron hour: 99"),
        ("0 2 1 * 1", "cannot restrict both"),
    ],
)
def test_glue_cron_refusals_say_why(given: str, message: str) -> None:
    with pytest.raises(MasonUsageError, match=message):
        glue_cron(given)
