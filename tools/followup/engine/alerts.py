"""Time-based alerts (SPEC §3), computed as of a date — never stored in the records.

Each family is a small function ``(workspace, grades, as_of) -> list[Alert]``:

* :func:`stall_alerts` — a tier held too long without progress. A tier may say
  ``stall: {after_days: 7, to: B}``; when no tier says, the top tier stalls after 7 days
  (seed 004: "一周内未决定的 A 类客户降为 B"; seed 000: an A not signed in 7–10
  days goes to B or D). Progress is a follow-up that changed a fact (``set:``) or
  moved to a new stage; until one happens the clock runs from registration.
* :func:`protection_alerts` — ownership protection expired: no follow-up by the
  owner within 7 days of the last one (seed 001: "7 天内不回访客户的,再次来访视为新客户").
* :func:`inactivity_alerts` — no contact for half a year: change channel or contact
  person; for a year: archive as dead (seed 002; ``inactivity:`` in the playbook).
* :func:`conflict_alerts` — the same id, phone or email on two customers (撞单),
  from the duplicates check.
* :func:`recycle_alerts` — back to the public pool (公海) by the ownership policy, or soon.

Example: a tier-A customer registered 2026-11-01 whose follow-ups never changed a
fact is, as of 2026-11-22, 21 days in A: a stall alert "A → B".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from followup.engine.grading import Grade

DEFAULT_STALL_DAYS = 7
KINDS = ("stalled", "protection", "inactive", "archive", "conflict", "recycle")


@dataclass
class Alert:
    kind: str  # one of KINDS
    grade: Grade | None
    days: int = 0  # how long the condition has held
    since: dt.date | None = None
    detail: dict = field(default_factory=dict)

    @property
    def customer(self):
        return self.grade.customer if self.grade else None


def _active(grades: dict[str, Grade]):
    return [g for _, g in sorted(grades.items()) if not g.customer.archived]


def stall_rule(playbook, tier_id: str) -> tuple[int, str] | None:
    """``(after_days, to)`` for a tier, or None when it cannot stall."""
    tiers = playbook.driving.tiers
    ids = [t.id for t in tiers]
    if tier_id not in ids:
        return None
    index = ids.index(tier_id)
    stall = tiers[index].stall
    if isinstance(stall, dict):
        days = stall.get("after_days")
        to = str(stall.get("to") or (ids[index + 1] if index + 1 < len(ids) else tier_id))
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            return days, to
        return None
    explicit = any(isinstance(t.stall, dict) for t in tiers)
    if index == 0 and len(ids) > 1 and not explicit:  # the seed default, unless the playbook says
        return DEFAULT_STALL_DAYS, ids[1]
    return None


def last_progress(grade: Grade) -> dt.date | None:
    """The last day something moved: a follow-up that changed a fact (``set:``)."""
    c = grade.customer
    moved = c.registered
    for entry in c.log:
        if entry.set:
            moved = entry.date if moved is None else max(moved, entry.date)
    return moved


def stall_alerts(ws, grades: dict[str, Grade], as_of: dt.date) -> list[Alert]:
    playbook = ws.rules.playbook
    alerts = []
    for g in _active(grades):
        rule = stall_rule(playbook, g.tier)
        since = last_progress(g)
        if rule is None or since is None:
            continue
        after, to = rule
        days = (as_of - since).days
        if days > after:
            alerts.append(Alert("stalled", g, days, since, {"tier": g.tier, "to": to, "after": after}))
    return sorted(alerts, key=lambda a: (-a.days, a.customer.id))


def protection_alerts(ws, grades: dict[str, Grade], as_of: dt.date, days: int | None = None) -> list[Alert]:
    """No follow-up by an owner for more than ``days`` days: the protection has lapsed,
    and the customer's next visit counts as a new customer (seed 001/004).

    With ``rules/ownership.yaml`` (:mod:`followup.engine.ownership`) the team's policy decides:
    its protection rules, owner handovers, locked customers, and the 公海 pool (whose
    customers are nobody's). ``days`` overrides the policy's ``days_without_followup``.
    """
    from followup.engine import ownership

    policy = ws.rules.policy
    if days is not None:
        policy = dataclasses.replace(policy, days_without_followup=days)
    playbook = ws.rules.playbook
    alerts = []
    for g in _active(grades):
        c = g.customer
        if c.owner == policy.pool:
            continue
        state = ownership.protection(c, policy, playbook, ownership.history_of(ws, c))
        if not state.lapsed(as_of):
            continue
        since = state.last_followup or state.owner_since
        alerts.append(
            Alert(
                "protection",
                g,
                (as_of - since).days if since else 0,
                since,
                {"limit": policy.days_without_followup, "expired_on": state.expires, "rule": state.rule},
            )
        )
    return sorted(alerts, key=lambda a: (-a.days, a.customer.id))


def inactivity_alerts(ws, grades: dict[str, Grade], as_of: dt.date) -> list[Alert]:
    rules = ws.rules.playbook.inactivity or {}
    change = rules.get("change_channel_after_days", 180)
    archive = rules.get("archive_after_days", 365)
    alerts = []
    for g in _active(grades):
        since = g.schedule.last_contact or g.customer.registered
        if since is None:
            continue
        idle = (as_of - since).days
        if isinstance(archive, int) and idle >= archive:
            alerts.append(Alert("archive", g, idle, since, {"limit": archive}))
        elif isinstance(change, int) and idle >= change:
            alerts.append(Alert("inactive", g, idle, since, {"limit": change}))
    return sorted(alerts, key=lambda a: (-a.days, a.customer.id))


def conflict_alerts(ws, grades: dict[str, Grade], as_of: dt.date) -> list[Alert]:
    """撞单 and duplicate ids. Values stay raw here; pages mask them.

    Two records of one salesperson come from the duplicates check; the same customer
    under two salespeople (撞单) from the ownership policy, with its verdict
    (``winner`` is None when the manager must decide).
    """
    from followup.checks.duplicates import check_duplicates
    from followup.engine.ownership import find_conflicts

    by_path = {g.customer.path: g for g in grades.values()}
    alerts = []
    for conflict in find_conflicts(ws, ws.rules.policy):
        alerts.append(
            Alert(
                "conflict",
                by_path.get(conflict.customer.path),
                0,
                None,
                {
                    "what": conflict.kind,
                    "value": conflict.value,
                    "other": by_path.get(conflict.other.path),
                    "other_path": conflict.other.path,
                    "winner": conflict.winner,
                    "rule": conflict.rule,
                },
            )
        )
    for p in check_duplicates(ws, grades):
        kind = {"FU401": "id", "FU402": "phone", "FU403": "email", "FU404": "company"}.get(p.code, p.code)
        other = by_path.get(p.params.get("other"))
        alerts.append(
            Alert(
                "conflict",
                by_path.get(p.file),
                0,
                None,
                {
                    "what": kind,
                    "value": p.params.get("value") or p.params.get("id"),
                    "other": other,
                    "other_path": p.params.get("other"),
                },
            )
        )
    return alerts


def recycle_alerts(ws, grades: dict[str, Grade], as_of: dt.date) -> list[Alert]:
    """公海 recycling from ``rules/ownership.yaml``: customers due back to the pool, and
    those within ``recycle.warn_days`` of it (``detail["warning"]``)."""
    from followup.engine import ownership

    policy = ws.rules.policy
    by_path = {g.customer.path: g for g in grades.values()}
    alerts = []
    for item in ownership.recycle_plan(ws, grades, policy, as_of):
        grade = by_path.get(item.customer.path)
        if grade is None or grade.customer.archived:
            continue
        alerts.append(
            Alert(
                "recycle",
                grade,
                (as_of - item.when).days,
                item.when,
                {"reason": item.reason, "warning": item.warning, "to": item.to},
            )
        )
    return alerts


FAMILIES = {
    "stalled": stall_alerts,
    "protection": protection_alerts,
    "inactive": inactivity_alerts,
    "conflict": conflict_alerts,
    "recycle": recycle_alerts,
}


def all_alerts(ws, grades: dict[str, Grade], as_of: dt.date) -> dict[str, list[Alert]]:
    """Every family, keyed by family name (``inactive`` holds both inactive and archive)."""
    return {name: fn(ws, grades, as_of) for name, fn in FAMILIES.items()}
