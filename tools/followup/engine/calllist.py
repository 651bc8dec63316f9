"""The call list: who each salesperson calls on a work day (seed 003 "每日 call list").

A customer is on the list when its ``due`` date has come (due or overdue). The list
is ordered by the playbook's priority rules (seed 003: stages 4–5, good intent and
expired contracts first), then by tier (best first), then by how many days overdue
(most first), then by id so the order is stable. It is cut at the salesperson's
daily capacity (``rules/team.yaml``, seed 003: 60 a day); what does not fit rolls
to the next work day, where it competes again with that day's newly due customers.

Example — 李明 can make 2 calls a day; on Friday 2026-11-20 three customers are due::

    a  stage 5, tier B, due 11-20   -> priority rule "stage 4–5": first
    b  tier A, due 11-18            -> tier A, 2 days overdue: second
    c  tier A, due 11-20            -> does not fit: rolls to Monday 11-23

Customers in the public pool (公海, a ``role: pool`` entry in ``rules/team.yaml``) are on
nobody's list. On a day off (weekend, 国庆 2026-10-01..07) nobody is called: the list is made for
the next work day, with everything due up to that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from followup.engine.grading import Grade, context
from followup.rules.playbook import Playbook
from followup.rules.workdays import Calendar, days_after


@dataclass
class CallItem:
    grade: Grade
    rank: int  # index of the first matching priority rule; len(rules) when none matched
    reason: str  # that rule's label, "" when none matched
    tier_index: int
    due: dt.date

    @property
    def customer(self):
        return self.grade.customer

    def overdue_days(self, day: dt.date) -> int:
        return max(0, (day - self.due).days)


@dataclass
class CallDay:
    owner: str
    day: dt.date  # the work day the calls are made on
    capacity: int
    calls: list[CallItem] = field(default_factory=list)
    rolled: list[CallItem] = field(default_factory=list)  # due by `day` but over capacity
    rolled_to: dt.date | None = None  # the next work day, where `rolled` goes


def call_day(as_of: dt.date, calendar: Calendar) -> dt.date:
    """The work day a list made on ``as_of`` is for: as_of itself, or the next work day."""
    return calendar.next_workday(as_of)


def is_active(grade: Grade) -> bool:
    return not grade.customer.archived and grade.due is not None


def priority_of(grade: Grade, playbook: Playbook) -> tuple[int, str, str]:
    """``(rank, label, english label)`` of the first priority rule the customer matches."""
    rules = playbook.priority
    if not rules:
        return 0, "", ""
    ctx = context(grade.customer, playbook, grade.schedule.reference)
    for index, rule in enumerate(rules):
        ok, _ = rule.when.holds(ctx)
        if ok:
            return index, rule.label, rule.label_en or rule.label
    return len(rules), "", ""


def candidates(grades: dict[str, Grade], playbook: Playbook, lang: str = "zh") -> list[CallItem]:
    """Every active customer with a due date, with what its place in a list depends on."""
    tier_ids = [t.id for t in playbook.driving.tiers]
    items = []
    for grade in grades.values():
        if not is_active(grade):
            continue
        rank, label, english = priority_of(grade, playbook)
        index = tier_ids.index(grade.tier) if grade.tier in tier_ids else len(tier_ids)
        items.append(CallItem(grade, rank, english if lang == "en" else label, index, grade.due))
    return items


def order_key(item: CallItem, day: dt.date):
    """Priority rule first, then tier order, then days overdue (most first), then id."""
    return (item.rank, item.tier_index, -item.overdue_days(day), item.customer.id, item.grade.customer.path)


def capacity_of(owner: str, team) -> int:
    person = team.people.get(owner)
    return person.capacity if person else team.default_capacity


def plan(
    grades: dict[str, Grade],
    playbook: Playbook,
    team,
    calendar: Calendar,
    as_of: dt.date,
    days: int = 1,
    owner: str | None = None,
    lang: str = "zh",
) -> dict[str, list[CallDay]]:
    """Call lists for ``days`` work days from ``as_of``, per owner.

    Each day takes, in order, what rolled over from the day before and what has
    become due, up to capacity. Nobody's due date moves in the projection: a real
    call re-grades the customer, which the next run of the list takes into account.
    """
    by_owner: dict[str, list[CallItem]] = {}
    pools = {p.id for p in team.people.values() if p.role == "pool"}  # 公海: nobody calls them
    for item in candidates(grades, playbook, lang):
        if item.customer.owner in pools:
            continue
        if owner is None or item.customer.owner == owner:
            by_owner.setdefault(item.customer.owner, []).append(item)
    result: dict[str, list[CallDay]] = {}
    owners = sorted((set(by_owner) | ({owner} if owner else set(team.people))) - pools)
    for who in owners:
        pending = sorted(by_owner.get(who, []), key=lambda i: (i.due, i.customer.id))
        day = call_day(as_of, calendar)
        plan_days = []
        capacity = capacity_of(who, team)
        for _ in range(max(1, days)):
            ready = [i for i in pending if i.due <= day]
            ready.sort(key=lambda i, d=day: order_key(i, d))
            taken = ready[:capacity]
            following = calendar.next_workday(days_after(day, 1))
            plan_days.append(CallDay(who, day, capacity, taken, ready[capacity:], following))
            chosen = {id(i) for i in taken}
            pending = [i for i in pending if id(i) not in chosen]
            day = following
        result[who] = plan_days
    return result


def today(grades, rules, as_of: dt.date, owner: str | None = None, lang: str = "zh") -> dict[str, CallDay]:
    """The call list of the work day of ``as_of`` for every salesperson (or one)."""
    plans = plan(grades, rules.playbook, rules.team, rules.calendar, as_of, 1, owner, lang)
    return {who: days[0] for who, days in plans.items()}
