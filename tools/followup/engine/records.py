"""Customer records: the file contract of ``customers/<id>.md``.

Front matter holds facts, the body holds free notes::

    ---
    id: zhang-wei                 # equals the file name
    name: 张伟
    owner: li-ming                # a salesperson in rules/team.yaml
    registered: 2026-11-02        # first registration decides attribution
    source: 展会
    contacts:
      - {name: 张伟, role: 采购经理, phone: "138 1234 5678", decision_maker: true}
    stage: "4"
    need: clear                   # facts named by the active playbook
    expected_close: 2026-12-01
    log:                          # append-only, oldest first
      - {date: 2026-11-02, channel: 到访, by: li-ming, note: 首次到访}
      - {date: 2026-11-10, channel: 电话, by: li-ming, note: 节后再联系, next: 2026-11-20}
    tier: A                       # computed by `followup grade --write`
    due: 2026-11-20               # computed
    ---
    自由笔记……

:func:`parse_customer` turns front matter data into a :class:`Customer` and a list
of problems (with key paths; the reporting edge turns them into line:col).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from followup.engine.identity import contact_problems
from followup.problems import Problem, problem
from followup.rules.playbook import Playbook, normalise_fact_value, suggest
from followup.rules.team import Team

ID_PATTERN = re.compile(r"^[\w][\w.-]{0,99}$")
CORE_KEYS = ("id", "name", "owner", "co_owners", "registered", "source", "contacts", "stage",
             "log", "tier", "due", "paused", "archived", "referred_by", "locked", "owner_history",
             "deal_value")
_CORE_KEY_SET = frozenset(CORE_KEYS)
COMPUTED_KEYS = ("tier", "due")
REQUIRED_KEYS = ("id", "name", "owner", "registered")
LOG_KEYS = ("date", "channel", "by", "note", "outcome", "set", "next", "tier")
_LOG_KEY_SET = frozenset(LOG_KEYS)
SUGGESTED_KEYS = 100  # unknown keys of one file that get a "did you mean"
CONTACT_KEYS = ("name", "role", "phone", "email", "wechat", "decision_maker", "note")


@dataclass(slots=True)  # slots: 100k customers × ~20 entries each fit in far less memory
class LogEntry:
    index: int
    date: dt.date
    channel: str = ""
    by: str = ""
    note: str = ""
    outcome: str = ""
    set: dict = field(default_factory=dict)
    next: dt.date | None = None


class LeanRecordError(RuntimeError):
    """Code read the log of a lean record (a bug in followup, never a user's mistake)."""


class _LeanLog:
    """The log of a lean record graded while read: not there, and saying so on every use.

    ``None`` or an empty list would let ``if c.log:`` or ``for e in c.log`` judge a customer
    as never contacted; this object fails instead, naming the one way to the whole record."""

    __slots__ = ()

    def _refuse(self, *args):
        raise LeanRecordError("the log of a lean record was not kept: "
                              "ask Workspace.full_record(customer) for the whole record")

    __iter__ = __len__ = __bool__ = __getitem__ = __reversed__ = __contains__ = _refuse

    def __repr__(self) -> str:
        return "LEAN_LOG"


LEAN_LOG = _LeanLog()  # the one instance: ``customer.log is LEAN_LOG``


@dataclass(slots=True)
class Customer:
    id: str
    path: str
    name: str = ""
    owner: str = ""
    co_owners: list = field(default_factory=list)
    registered: dt.date | None = None
    source: str = ""
    contacts: list = field(default_factory=list)
    stage: str | None = None
    facts: dict = field(default_factory=dict)
    log: list = field(default_factory=list)  # LEAN_LOG in some lean records (make_lean)
    stored_tier: str | None = None
    stored_due: dt.date | None = None
    paused_until: dt.date | None = None
    pause_reason: str = ""
    archived: dict | None = None
    referred_by: str = ""
    locked: bool = False
    body: str = ""
    deal_value: float | None = None  # the opportunity's value, for the forecast (seed 001)
    lean: bool = False  # read for check/grade: no body, no notes, maybe no log (make_lean)

    @property
    def owners(self) -> list[str]:
        return [self.owner, *[o for o in self.co_owners if o != self.owner]]

    def make_lean(self, graded: bool) -> None:
        """Drop what ``check`` and ``grade`` never read (in place; see ``workspace.load_workspace``):
        the body and the log's notes, and -- once the record is ``graded`` -- the whole log,
        which becomes :data:`LEAN_LOG`: reading it raises :class:`LeanRecordError` instead of
        judging an empty history. ``lean`` marks the record either way;
        ``Workspace.full_record`` is the one way to the whole record."""
        self.lean = True
        self.body = ""
        if graded:
            self.log = LEAN_LOG
            return
        for entry in self.log:
            entry.note = ""


def id_from_path(path: str) -> str:
    """``PurePosixPath(path).stem``, without building a path object (once per file read)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


class _Parser:
    def __init__(self, data: dict, path: str, playbook: Playbook, team: Team,
                 as_of: dt.date | None):
        self.data = data
        self.path = path
        self.playbook = playbook
        self.team = team
        self.as_of = as_of
        self.problems: list[Problem] = []
        self.channels = playbook.channels  # read for every log entry
        self.people = team.people
        self.unknown_count = 0  # unknown keys so far, at the top and in log entries

    def fail(self, code: str, path: tuple, warning: bool = False, **params) -> None:
        self.problems.append(problem(code, self.path, path=path, warning=warning, **params))

    def text(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail("FU101", (), key=key)
            return ""
        if isinstance(value, (dict, list)):
            self.fail("FU102", (key,), key=key, expected="text")
            return ""
        return value if isinstance(value, str) else str(value)

    def date(self, value, path: tuple, key: str) -> dt.date | None:
        if value is None:
            return None
        if not _is_date(value):
            self.fail("FU108", path, key=key, value=str(value))
            return None
        return value

    def parse(self) -> Customer:
        d = self.data
        for key in REQUIRED_KEYS:
            if d.get(key) in (None, ""):
                self.fail("FU101", (), key=key)
        cid = self.text("id")
        expected_id = id_from_path(self.path)
        if cid and not ID_PATTERN.match(cid):
            self.fail("FU104", ("id",), id=cid)
        elif cid and cid != expected_id:
            self.fail("FU103", ("id",), id=cid, expected=expected_id)
        customer = Customer(id=cid or expected_id, path=self.path)
        customer.name = self.text("name")
        customer.owner = self.owner(d.get("owner"), ("owner",))
        customer.co_owners = self.co_owners()
        customer.registered = self.date(d.get("registered"), ("registered",), "registered")
        customer.source = self.text("source")
        customer.referred_by = self.text("referred_by")
        customer.locked = bool(d.get("locked", False))
        value = d.get("deal_value", d.get("value"))
        if value is not None:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                customer.deal_value = value
            else:
                self.fail("FU102", ("deal_value",), key="deal_value", expected="a number ≥ 0")
        customer.contacts = self.contacts()
        customer.stage = self.stage()
        customer.facts = self.facts()
        customer.log = self.log(customer.registered)
        customer.stored_tier = self.text("tier") or None
        customer.stored_due = self.date(d.get("due"), ("due",), "due")
        self.pause(customer)
        archived = d.get("archived")
        if archived not in (None, False):
            if not isinstance(archived, dict) or not _is_date(archived.get("date")):
                self.fail("FU111", ("archived",), key="archived")
            else:
                customer.archived = archived
        self.unknown_keys()
        return customer

    def owner(self, value, path: tuple) -> str:
        if value in (None, ""):
            return ""
        if not isinstance(value, str):
            self.fail("FU102", path, key=path[0], expected="text")
            return ""
        if value not in self.people:
            self.fail("FU105", path, owner=value, suggestion=suggest(value, self.people))
        return value

    def co_owners(self) -> list[str]:
        value = self.data.get("co_owners")
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail("FU102", ("co_owners",), key="co_owners", expected="list")
            return []
        return [self.owner(v, ("co_owners", i)) for i, v in enumerate(value)]

    def contacts(self) -> list[dict]:
        value = self.data.get("contacts")
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail("FU102", ("contacts",), key="contacts", expected="list")
            return []
        result = []
        for i, c in enumerate(value):
            if not isinstance(c, dict):
                self.fail("FU109", ("contacts", i), reason="mapping")
                continue
            for key in c:
                if key not in CONTACT_KEYS:
                    self.fail("FU107", ("contacts", i, key), warning=True, key=str(key),
                              suggestion=suggest(key, CONTACT_KEYS))
            for key in ("phone", "email", "wechat", "name", "role"):
                if key in c and c[key] is not None and not isinstance(c[key], str):
                    # phone numbers written unquoted read as integers: accept, but as text
                    if key == "phone" and isinstance(c[key], int) and not isinstance(c[key], bool):
                        c = {**c, "phone": str(c[key])}
                    else:
                        self.fail("FU109", ("contacts", i, key), reason="text")
            for key, code, params in contact_problems(c):
                self.fail(code, ("contacts", i, key), **params)
            result.append(c)
        return result

    def stage(self) -> str | None:
        value = self.data.get("stage")
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)):
            self.fail("FU110", ("stage",), value=str(value), allowed="")
            return None
        stage = str(value)
        stages = self.playbook.stages
        if stages and stage not in self.playbook.stage_names:
            self.fail("FU110", ("stage",), value=stage, allowed=", ".join(s.id for s in stages))
        return self.playbook.stage_labels.get(stage, stage)

    def facts(self) -> dict:
        facts = {}
        for name, fact in self.playbook.facts.items():
            if name in ("stage", "source", "owner"):
                continue
            if name not in self.data:
                continue
            value, ok = normalise_fact_value(fact, self.data[name])
            if not ok:
                self.fail("FU106", (name,), fact=name, value=str(self.data[name]),
                          allowed=_allowed(fact))
                continue
            facts[name] = value
        return facts

    def log(self, registered: dt.date | None) -> list[LogEntry]:
        raw = self.data.get("log")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("FU102", ("log",), key="log", expected="list")
            return []
        entries: list[LogEntry] = []
        previous: dt.date | None = None
        as_of = self.as_of
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                self.fail("FU201", ("log", i), reason="mapping")
                continue
            day = item.get("date")
            if day is None:
                self.fail("FU201", ("log", i), reason="date")
                self.next_date(i, item.get("next"), None)  # its other date is still checked
                continue
            if type(day) is not dt.date and not _is_date(day):
                self.fail("FU108", ("log", i, "date"), key="date", value=str(day))
                self.next_date(i, item.get("next"), None)
                continue
            if previous and day < previous:
                self.fail("FU202", ("log", i, "date"), date=str(day), previous=str(previous))
            if as_of and day > as_of:
                self.fail("FU203", ("log", i, "date"), date=str(day), today=str(as_of))
            if registered and day < registered:
                self.fail("FU208", ("log", i, "date"), date=str(day), registered=str(registered))
            if previous is None or day > previous:
                previous = day
            entries.append(self.entry(i, item, day))
        return entries

    def entry(self, i: int, item: dict, day: dt.date) -> LogEntry:
        # runs for every follow-up of every customer: the usual entry (known keys, text
        # values, no set/next) takes no branch but the membership tests
        if not _LOG_KEY_SET.issuperset(item):
            self.unknown_log_keys(i, item)
        get = item.get
        channel = _str(get("channel") or "")
        if channel and channel not in self.channels:
            self.fail("FU204", ("log", i, "channel"), channel=channel,
                      suggestion=suggest(channel, self.channels))
        by = _str(get("by") or "")  # a list or mapping here is no one: said below, never a crash
        if by and by not in self.people:
            self.fail("FU205", ("log", i, "by"), by=by, suggestion=suggest(by, self.people))
        updates = get("set")
        nxt = get("next")
        return LogEntry(i, day, channel, by, _str(get("note")), _str(get("outcome")),
                        self.updates(i, updates) if updates else {},
                        None if nxt is None else self.next_date(i, nxt, day))

    def unknown_log_keys(self, i: int, item: dict) -> None:
        for key in item:
            if key not in _LOG_KEY_SET:
                self.fail("FU107", ("log", i, key), warning=True, key=str(key),
                          suggestion=self.suggest_key(key, LOG_KEYS))

    def updates(self, i: int, updates) -> dict:
        """A log entry's ``set:``: the facts it changed, the unknown ones left out."""
        if not isinstance(updates, dict):
            self.fail("FU206", ("log", i, "set"), fact="set", reason="mapping")
            return {}
        clean = {}
        for name, value in updates.items():
            fact = self.playbook.facts.get(name)
            if fact is None and name != "stage":
                self.fail("FU206", ("log", i, "set", name), fact=str(name), reason="unknown")
                continue
            clean[name] = value
        return clean

    def next_date(self, i: int, nxt, day: dt.date | None) -> dt.date | None:
        """A log entry's ``next:``: a date not before the entry's own (when that is one),
        else None."""
        if nxt is None:
            return None
        if not _is_date(nxt):
            self.fail("FU108", ("log", i, "next"), key="next", value=str(nxt))
            return None
        if day is not None and nxt < day:
            self.fail("FU207", ("log", i, "next"), next=str(nxt), date=str(day))
            return None
        return nxt

    def pause(self, customer: Customer) -> None:
        paused = self.data.get("paused")
        if paused is None:
            return
        if not isinstance(paused, dict) or not _is_date(paused.get("until")):
            self.fail("FU111", ("paused",), key="paused")
            return
        customer.paused_until = paused["until"]
        customer.pause_reason = _str(paused.get("reason"))

    def unknown_keys(self) -> None:
        facts = self.playbook.fact_names
        known = None
        for key in self.data:
            if key not in _CORE_KEY_SET and key not in facts:
                if known is None:
                    known = set(CORE_KEYS) | facts
                self.fail("FU107", (key,), warning=True, key=str(key),
                          suggestion=self.suggest_key(key, known))

    def suggest_key(self, key, known) -> str:
        """A close match is worth a look for a few typos; past ``SUGGESTED_KEYS`` unknown keys
        the file is something else pasted in, and difflib per key would make `check` slow."""
        self.unknown_count += 1
        return suggest(key, known) if self.unknown_count <= SUGGESTED_KEYS else ""


def _str(value) -> str:
    if type(value) is str:
        return value
    return "" if value is None else str(value)


def _allowed(fact) -> str:
    if fact.choices:
        return ", ".join(f"{k} ({v})" if v != k else k for k, v in fact.choices.items())
    return fact.type


def parse_customer(data: dict, path: str, playbook: Playbook, team: Team,
                   as_of: dt.date | None = None) -> tuple[Customer, list[Problem]]:
    parser = _Parser(data, path, playbook, team, as_of)
    customer = parser.parse()
    return customer, parser.problems
