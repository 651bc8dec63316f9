"""Stored ``tier`` and ``due`` must equal what the rules compute (CI fails if stale)."""

from __future__ import annotations

from followup.checks.family import Family
from followup.problems import problem


def check_freshness(workspace, grades) -> list:
    broken = workspace.erroneous_files()
    problems = []
    for _cid, grade in grades.items():
        c = grade.customer
        if c.path in broken:
            continue  # its own errors come first; a grade of a broken record means little
        if c.stored_tier is None and c.stored_due is None:
            problems.append(problem("FU303", c.path, path=()))
            continue
        if c.stored_tier != grade.tier:
            problems.append(problem("FU301", c.path, path=("tier",), stored=c.stored_tier,
                                    computed=grade.tier))
        if c.stored_due != grade.due:
            problems.append(problem("FU302", c.path, path=("due",), stored=c.stored_due,
                                    computed=grade.due))
    return problems


FAMILY = Family("freshness", ("FU301", "FU302", "FU303"), check_freshness)
