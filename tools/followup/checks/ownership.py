"""Ownership checks (S5): 撞单 between salespeople, invalid registrations, referrals,
co-owners, the cap per salesperson and the owner history — by ``rules/ownership.yaml``.

Only facts in the files and the rules are judged here, so the result is the same
on every machine; protection expiry and 公海 recycling depend on today and live in
``followup recycle`` and the board's alerts.

Example: 王强 (wang-qiang, 王芳, registered 11-10) has the phone of 张敏
(zhang-min, 李明, registered 11-01, called back on 11-05). 李明 registered first and
was protected until 11-12, so FU701 on wang-qiang.md says it belongs to 李明.
"""

from __future__ import annotations

from followup.checks.family import Family
from followup.engine.ownership import conflict_problem, find_conflicts, owner_history
from followup.engine.registration import over_cap, referral_owner, valid_registration
from followup.problems import problem


def check_ownership(workspace, grades) -> list:
    ws = workspace
    policy, problems = ws.rules.policy, []
    team = ws.rules.team
    by_id = {c.id: c for c in ws.customers}
    for c in ws.customers:
        if c.archived:
            continue
        if policy.require_name_and_phone and c.owner != policy.pool and not valid_registration(c):
            problems.append(problem("FU703", c.path, path=("contacts",) if c.contacts else (),
                                    warning=True))
        if c.co_owners and not policy.group_buyers:
            problems.append(problem("FU705", c.path, path=("co_owners",)))
        data = ws.front_matter_extra(c.path)  # kept at load time: no re-read of every file
        history, found = owner_history(data, c.path, team)
        problems += found
        if c.referred_by:
            referrer = by_id.get(c.referred_by)
            if referrer is None:
                problems.append(problem("FU709", c.path, path=("referred_by",), warning=True,
                                        referrer=c.referred_by))
            else:
                expected = referral_owner(referrer, policy)
                if (expected and expected not in c.owners
                        and not any(h.to == c.owner and h.by in team.managers for h in history)):
                    problems.append(problem("FU704", c.path, path=("owner",), warning=True,
                                            referrer=referrer.name, expected=expected,
                                            expected_name=team.name_of(expected)))
    for owner, count in over_cap(ws.customers, policy):
        problems.append(problem("FU706", "rules/team.yaml", line=1, col=1, warning=True,
                                owner_name=team.name_of(owner), count=count, cap=policy.max_customers))
    for conflict in find_conflicts(ws, policy):
        problems.append(conflict_problem(conflict, team))
    return problems


FAMILY = Family("ownership", ("FU701", "FU702", "FU703", "FU704", "FU705", "FU706", "FU707",
                               "FU709"), check_ownership)
