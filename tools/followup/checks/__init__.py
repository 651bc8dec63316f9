"""Checks are plain functions ``check(workspace, grades) -> list[Problem]``, run from a list.

Like hledger's named checks, a team can run one family by name
(``followup check --only duplicates``). Parsing problems (YAML, record and rule
validation) are always reported: nothing else can be trusted without them.
"""

from __future__ import annotations

from followup.checks.calendar import check_calendar
from followup.checks.duplicates import check_duplicates
from followup.checks.freshness import check_freshness
from followup.checks.ownership import check_ownership

CHECKS = {
    "duplicates": check_duplicates,
    "freshness": check_freshness,
    "ownership": check_ownership,
    "calendar": check_calendar,
}


def run_checks(workspace, grades, only: list[str] | None = None):
    problems = []
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        problems += check(workspace, grades)
    return problems
