"""Grading: tiers, due dates and their reasons — a pure function of the records and rules.

Nothing here reads the clock. ``due`` is the date of the last real contact plus
the current tier's cadence, unless a follow-up set the next contact date by hand
(seed 003 "更改下次拨打时间"), which wins. A new customer with no contact yet is
due on its registration day (seed 004 "必须当日回访"). A paused customer is not
due before its pause ends.

Example: A needs a contact every day; the last call was Friday 2026-11-20, so
``due`` is the next work day, Monday 2026-11-23 (with ``roll_to_workday``).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field

from followup.engine.records import Customer
from followup.rules.conditions import Context
from followup.rules.methods import Cadence, Outcome
from followup.rules.playbook import Playbook
from followup.rules.workdays import Calendar, days_after


@dataclass(slots=True)
class Schedule:
    last_contact: dt.date | None
    reference: dt.date | None  # last contact, or registration when never contacted
    cadence_due: dt.date | None
    manual_next: dt.date | None
    due: dt.date | None
    postponed_days: int = 0  # how far a hand-set date lies beyond the cadence


@dataclass(slots=True)
class Grade:
    customer: Customer
    tier: str
    schedule: Schedule
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    @property
    def due(self) -> dt.date | None:
        return self.schedule.due

    @property
    def driving(self) -> Outcome:
        return next(iter(self.outcomes.values()))


def last_contact(customer: Customer, playbook: Playbook) -> dt.date | None:
    is_contact = playbook.channels.get  # Playbook.is_contact, inlined: it runs for every entry
    days = [e.date for e in customer.log if is_contact(e.channel, True)]
    return max(days) if days else None


_BY_DATE = operator.attrgetter("date", "index")


def manual_next(customer: Customer, playbook: Playbook) -> dt.date | None:
    """The hand-set next contact date still in force: the latest ``next:`` not yet
    superseded by a later real contact that set none."""
    current = None
    is_contact = playbook.channels.get
    for entry in sorted(customer.log, key=_BY_DATE):
        if entry.next is not None or is_contact(entry.channel, True):
            current = entry.next
    return current


def apply_cadence(start: dt.date, cadence: Cadence | None, calendar: Calendar) -> dt.date | None:
    if cadence is None:
        return None
    if cadence.workdays:
        return calendar.add_workdays(start, cadence.workdays)
    due = days_after(start, cadence.days)
    return calendar.next_workday(due) if calendar.roll_to_workday else due


_UNKNOWN = object()


def schedule(customer: Customer, cadence: Cadence | None, playbook: Playbook,
             calendar: Calendar, contact=_UNKNOWN) -> Schedule:
    """``contact`` is the last real contact when the caller already knows it."""
    if contact is _UNKNOWN:
        contact = last_contact(customer, playbook)
    reference = contact or customer.registered
    if contact is None:
        cadence_due = customer.registered
    else:
        cadence_due = apply_cadence(contact, cadence, calendar)
    manual = manual_next(customer, playbook)
    due = manual or cadence_due
    postponed = (manual - cadence_due).days if manual and cadence_due and manual > cadence_due else 0
    if customer.paused_until and (due is None or customer.paused_until > due):
        due = customer.paused_until
    return Schedule(contact, reference, cadence_due, manual, due, postponed)


def context(customer: Customer, playbook: Playbook, reference: dt.date | None,
            explain: bool = True) -> Context:
    facts = dict(customer.facts)
    facts.setdefault("stage", customer.stage)
    facts.setdefault("source", customer.source or None)
    facts.setdefault("owner", customer.owner or None)
    return Context(facts, lambda: [{"date": e.date, "channel": e.channel, "outcome": e.outcome,
                                    "by": e.by} for e in customer.log], reference,
                   playbook.fact_types, explain)


def grade_all(customers: list[Customer], playbook: Playbook, calendar: Calendar) -> dict[str, Grade]:
    """Grade every customer, keyed by file path. A classification whose method
    ``needs_population`` (rank) is graded once for all of them, the others one by one."""
    prepared = {c.path: _prepare(c, playbook) for c in customers}
    classifications = _ordered(playbook)
    population = {}
    for cls in classifications:
        if cls.method.needs_population:
            contexts = {path: ctx for path, (_, ctx) in prepared.items()}
            population[cls.id] = cls.method.grade_population(cls.id, contexts)
    return {c.path: _grade(c, *prepared[c.path], playbook, calendar, population, classifications)
            for c in customers}


def per_record(playbook: Playbook) -> bool:
    """Whether a customer's tier depends on that customer alone (it does unless the driving
    classification ranks the whole population), so it can be graded where it is read."""
    return not playbook.driving.method.needs_population


def grade_one(customer: Customer, playbook: Playbook, calendar: Calendar) -> Grade:
    """One customer's tier, schedule and driving outcome, without the other classifications
    and without the "why not the next tier up" (``check`` and ``grade`` compare only tier
    and due). Only for :func:`per_record` playbooks, where :func:`grade_all` gives the same
    tier and due."""
    return _grade(customer, *_prepare(customer, playbook, explain=False), playbook, calendar, {},
                  [playbook.driving])


def _prepare(customer: Customer, playbook: Playbook,
             explain: bool = True) -> tuple[dt.date | None, Context]:
    contact = last_contact(customer, playbook)
    return contact, context(customer, playbook, contact or customer.registered, explain)


def _grade(customer: Customer, contact, ctx: Context, playbook: Playbook, calendar: Calendar,
           population: dict, classifications: list) -> Grade:
    """The outcome of each of ``classifications`` (the driving one first; those graded on
    the whole population from ``population``), the tier of the driving one and the
    schedule it sets."""
    outcomes = {}
    for cls in classifications:
        if cls.id in population:
            outcomes[cls.id] = population[cls.id][customer.path]
        else:
            outcomes[cls.id] = cls.method.grade(cls.id, ctx)
    driving = classifications[0]
    outcome = outcomes[driving.id]
    cadence = driving.tier(outcome.tier).cadence
    return Grade(customer, outcome.tier, schedule(customer, cadence, playbook, calendar, contact),
                 outcomes)


def _ordered(playbook: Playbook):
    """The driving classification first, so ``Grade.driving`` is the first outcome."""
    driving = playbook.driving
    return [driving, *[c for c in playbook.classifications.values() if c is not driving]]
