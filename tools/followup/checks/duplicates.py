"""Cross-record checks in one pass: duplicate ids, and one phone, e-mail, WeChat id or company
on two customers.

:func:`collisions` is the one place that finds "the same person or company twice";
two records of the same salesperson are reported here (FU402–FU405, probably one
customer filed twice), two records of different salespeople are 撞单 and are
resolved by the ownership policy in :mod:`followup.checks.ownership` (FU701/FU702).

What counts as the same phone, e-mail, WeChat id or company is
:mod:`followup.engine.identity`'s answer (extensions set apart, a phone in the
``wechat`` field is that phone, 有限公司 ≠ 股份有限公司).
"""

from __future__ import annotations

from followup.checks.family import Family
from followup.engine.identity import workspace_collisions
from followup.problems import problem

CODES = {"phone": "FU402", "email": "FU403", "company": "FU404", "wechat": "FU405"}


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
        shown = c.name if kind == "company" else key  # the key of a company is no name to show
        problems.append(problem(CODES[kind], c.path, path=path, value=shown, other=other.path,
                                other_owner=other.owner, warning=True))
    return problems


FAMILY = Family("duplicates", ("FU401", "FU402", "FU403", "FU404", "FU405"), check_duplicates)
