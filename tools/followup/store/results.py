"""What reading one customer file gives (:class:`FileResult`), and its data-only encoding.

The parsing workers send their results to the parent, and the cache keeps them, as JSON
written by :func:`encode` and read back by :func:`decode` (values and problems through
:mod:`followup.store.codec`), never as pickles. The records are flat arrays of their fields
in a fixed order (objects would repeat every key name in every record, and cost a third
more to read); the decoder checks the type of every field it rebuilds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from followup.engine.grading import Schedule
from followup.engine.records import LEAN_LOG, Customer, LogEntry
from followup.problems import Problem
from followup.store.codec import (
    Undecodable,
    day,
    day_or_none,
    dumps,
    iso,
    loads,
    plain,
    problems_data,
    text_or_none,
    unproblems,
)


@dataclass(slots=True)
class FileResult:
    """One customer file, read and validated.

    ``customer`` is ``None`` when the file gave no record (no front matter, bad YAML,
    unreadable); ``has_document`` says whether it has front matter at all. ``extras``:
    raw front matter keys that checks read but :class:`Customer` does not model
    (``workspace.EXTRA_KEYS``). ``lean`` is set on lean loads only (see
    ``workspace.parse_customer_file``)."""

    path: str
    customer: Customer | None = None
    has_document: bool = False
    problems: list[Problem] = field(default_factory=list)
    extras: dict = field(default_factory=dict)
    lean: LeanFacts | None = None


@dataclass(slots=True)
class LeanFacts:
    """What a lean load works out in the parsing worker: the tier and schedule (when the
    playbook grades each record alone; else ``None``) and the record's identities
    (``engine.identity.identities``)."""

    tier: str | None
    schedule: Schedule | None
    identities: list = field(default_factory=list)


# -- records ------------------------------------------------------------------------------

def _log_entry(e: LogEntry) -> list:
    return [e.index, e.date.isoformat(), e.channel, e.by, e.note, e.outcome,
            plain(e.set) if e.set else None, iso(e.next)]


def _unlog_entry(data) -> LogEntry:
    if type(data) is not list or len(data) != 8:
        raise Undecodable("log entry")
    index, date, channel, by, note, outcome, updates, nxt = data
    if not (type(index) is int and type(channel) is str and type(by) is str
            and type(note) is str and type(outcome) is str):
        raise Undecodable("log entry")
    updates = {} if updates is None else updates
    if type(updates) is not dict:
        raise Undecodable("log entry set")
    return LogEntry(index, day(date), channel, by, note, outcome, updates, day_or_none(nxt))


CUSTOMER_FIELDS = tuple(f.name for f in fields(Customer))


def _customer(c: Customer) -> list:
    log = None if c.log is LEAN_LOG else [_log_entry(e) for e in c.log]
    return [c.id, c.path, c.name, c.owner, c.co_owners, iso(c.registered), c.source,
            plain(c.contacts), c.stage, plain(c.facts), log, c.stored_tier, iso(c.stored_due),
            iso(c.paused_until), c.pause_reason, None if c.archived is None else plain(c.archived),
            c.referred_by, c.locked, c.body, c.deal_value, c.lean]


def _uncustomer(data) -> Customer:
    if type(data) is not list or len(data) != len(CUSTOMER_FIELDS):
        raise Undecodable("customer")
    (cid, path, name, owner, co_owners, registered, source, contacts, stage, facts, log,
     stored_tier, stored_due, paused_until, pause_reason, archived, referred_by, locked, body,
     deal_value, lean) = data
    # one expression, no calls: this runs for every cached record (str is tested with "is")
    if not (type(cid) is str and type(path) is str and type(name) is str and type(owner) is str
            and type(source) is str and type(pause_reason) is str and type(referred_by) is str
            and type(body) is str and type(co_owners) is list and type(contacts) is list
            and type(facts) is dict and type(locked) is bool and type(lean) is bool
            and (archived is None or type(archived) is dict)
            and (deal_value is None or type(deal_value) is int or type(deal_value) is float)):
        raise Undecodable("customer")
    for item in co_owners:
        if type(item) is not str:
            raise Undecodable("co_owners")
    for item in contacts:
        if type(item) is not dict:
            raise Undecodable("contacts")
    if log is None:
        if not lean:
            raise Undecodable("customer log")
        entries = LEAN_LOG
    elif type(log) is list:
        entries = [_unlog_entry(e) for e in log]
    else:
        raise Undecodable("customer log")
    return Customer(cid, path, name, owner, co_owners, day_or_none(registered),
                    source, contacts, text_or_none(stage, "stage"), facts, entries,
                    text_or_none(stored_tier, "tier"), day_or_none(stored_due),
                    day_or_none(paused_until), pause_reason, archived, referred_by, locked, body,
                    deal_value, lean)


def _schedule(s: Schedule) -> list:
    return [iso(s.last_contact), iso(s.reference), iso(s.cadence_due), iso(s.manual_next),
            iso(s.due), s.postponed_days]


def _unschedule(data) -> Schedule:
    if type(data) is not list or len(data) != 6 or type(data[5]) is not int:
        raise Undecodable("schedule")
    last, reference, cadence, manual, due, postponed = data
    return Schedule(None if last is None else day(last),
                    None if reference is None else day(reference),
                    None if cadence is None else day(cadence),
                    None if manual is None else day(manual),
                    None if due is None else day(due), postponed)


def _lean(facts: LeanFacts) -> list:
    return [facts.tier, None if facts.schedule is None else _schedule(facts.schedule),
            [[kind, key, list(path)] for kind, key, path in facts.identities]]


def _unlean(data) -> LeanFacts:
    if type(data) is not list or len(data) != 3 or type(data[2]) is not list:
        raise Undecodable("lean facts")
    tier, schedule, found = data
    identities = []
    for item in found:
        if type(item) is not list or len(item) != 3:
            raise Undecodable("identity")
        kind, key, path = item
        if type(kind) is not str or type(key) is not str or type(path) is not list:
            raise Undecodable("identity")
        for step in path:  # a key path: names and list positions
            if type(step) is not str and type(step) is not int:
                raise Undecodable("identity")
        identities.append((kind, key, tuple(path)))
    if (tier is None) != (schedule is None):
        raise Undecodable("lean grade")
    return LeanFacts(text_or_none(tier, "tier"),
                     None if schedule is None else _unschedule(schedule), identities)


def _result(r: FileResult) -> list:
    return [r.path, None if r.customer is None else _customer(r.customer), r.has_document,
            problems_data(r.problems), plain(r.extras) if r.extras else None,
            None if r.lean is None else _lean(r.lean)]


def _unresult(data) -> FileResult:
    if type(data) is not list or len(data) != 6:
        raise Undecodable("file result")
    path, customer, has_document, problems, extras, lean = data
    extras = {} if extras is None else extras
    if type(path) is not str or type(has_document) is not bool or type(extras) is not dict:
        raise Undecodable("file result")
    customer = None if customer is None else _uncustomer(customer)
    if customer is not None and customer.path != path:
        raise Undecodable("file result path")
    return FileResult(path, customer, has_document, unproblems(problems), extras,
                      None if lean is None else _unlean(lean))


# -- blobs --------------------------------------------------------------------------------

def encode(results: list[FileResult]) -> bytes:
    """Several results as one blob: a parsing worker encodes its chunk once, in parallel,
    and that one blob serves both the trip to the parent and the cache."""
    return dumps([_result(r) for r in results])


def decode(blob: bytes) -> list[FileResult]:
    data = loads(blob)
    if type(data) is not list:
        raise Undecodable("results")
    try:
        return [_unresult(r) for r in data]
    except RecursionError:  # a crafted, deeply nested value
        raise Undecodable("too deep") from None
