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
    texts,
    typed,
    unplain,
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
    updates = {} if updates is None else unplain(updates)
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
    for value in (cid, path, name, owner, source, pause_reason, referred_by, body):
        typed(value, str, "customer text")
    contacts = unplain(contacts)
    facts = unplain(facts)
    archived = None if archived is None else unplain(archived)
    if (type(contacts) is not list or not all(type(c) is dict for c in contacts)
            or type(facts) is not dict or (archived is not None and type(archived) is not dict)
            or type(locked) is not bool or type(lean) is not bool
            or (deal_value is not None and type(deal_value) not in (int, float))):
        raise Undecodable("customer")
    if log is None:
        if not lean:
            raise Undecodable("customer log")
        entries = LEAN_LOG
    elif type(log) is list:
        entries = [_unlog_entry(e) for e in log]
    else:
        raise Undecodable("customer log")
    return Customer(cid, path, name, owner, texts(co_owners, "co_owners"), day_or_none(registered),
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
    return Schedule(*map(day_or_none, data[:5]), data[5])


def _lean(facts: LeanFacts) -> list:
    return [facts.tier, None if facts.schedule is None else _schedule(facts.schedule),
            [[kind, key, list(path)] for kind, key, path in facts.identities]]


def _unlean(data) -> LeanFacts:
    if type(data) is not list or len(data) != 3 or type(data[2]) is not list:
        raise Undecodable("lean facts")
    tier, schedule, found = data
    identities = []
    for item in found:
        if (type(item) is not list or len(item) != 3 or type(item[0]) is not str
                or type(item[1]) is not str or type(item[2]) is not list):
            raise Undecodable("identity")
        path = item[2]
        if not all(type(k) in (str, int) for k in path):
            raise Undecodable("identity")
        identities.append((item[0], item[1], tuple(path)))
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
    extras = {} if extras is None else unplain(extras)
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
