"""Cross-record checks in one pass: duplicate ids, and one phone, email or company on two customers.

:func:`collisions` is the one place that finds "the same person or company twice";
two records of the same salesperson are reported here (FU402–FU404, probably one
customer filed twice), two records of different salespeople are 撞单 and are
resolved by the ownership policy in :mod:`followup.checks.ownership` (FU701/FU702).

Phone numbers are compared in E.164 form using Google's libphonenumber port
(``phonenumbers``), so ``138 1234 5678``, ``+86 138-1234-5678`` and
``8613812345678`` are the same number; a regex would get this wrong.
"""

from __future__ import annotations

from followup.engine.identity import workspace_collisions
from followup.problems import problem

CODES = {"phone": "FU402", "email": "FU403", "company": "FU404"}


def check_duplicates(workspace, grades) -> list:
    problems = []
    by_id: dict[str, str] = {}
    for c in workspace.customers:
        if c.id in by_id and by_id[c.id] != c.path:
            problems.append(problem("FU401", c.path, path=("id",), id=c.id, other=by_id[c.id]))
        else:
            by_id.setdefault(c.id, c.path)
    for kind, key, path, c, other in workspace_collisions(workspace):
        if c.owner != other.owner:
            continue  # 撞单 between salespeople: the ownership check resolves it by policy
        # a warning: one household sharing a phone belongs to one salesperson (seed 001:
        # 同一户家人……归属同一个置业顾问), so this is often right and only sometimes a duplicate file
        problems.append(problem(CODES[kind], c.path, path=path, value=key, other=other.path,
                                other_owner=other.owner, warning=True))
    return problems
