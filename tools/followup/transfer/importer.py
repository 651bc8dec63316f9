"""Plan customer files from sheet rows, then create them — never overwriting anything.

:func:`plan_import` is the dry run: it turns every data row into the front matter
a customer file would get, validates it with the same parser ``followup check``
uses, and reports — as :class:`~followup.problems.Problem` values located at
``sheet:row:column`` — rows that are invalid (a phone a spreadsheet damaged included:
``1.39E+10``, a date, a digit lost), rows that repeat an earlier row, rows that are
already customers, and owners that are not in ``rules/team.yaml``.

Which rows are one customer is :class:`followup.engine.registration.Registry`'s answer,
the same as ``followup new``'s: a row sharing a strong identity (a valid phone, an
e-mail, a WeChat id, the id column) with an earlier row of the same owner is merged
into it (FU820, and listed in the dry run); a shared company name alone is not enough
(FU814: imported as another customer, or FU807 when the owners differ). A row matching
an existing customer on any identity is not imported (FU808).
:func:`write_planned` proves that every planned file reads back, with both YAML
readers, as exactly the data meant, then creates it with
:func:`followup.store.atomic.create` (which refuses an existing file). The text comes
from the one emitter, :mod:`followup.store.emit`.

A worked row::

    客户名称            负责人  手机           跟进记录
    上海恒通贸易有限公司  李明    13812345678    2026/10/12 电话沟通,要报价;2026/10/20 到访

becomes ``customers/shang-hai-heng-tong-mao-yi.md`` with ``owner: li-ming``, the
phone as a quoted string, two log entries (channels 电话 and 到访 recognised from
the words) and ``tier``/``due`` computed by the playbook. Running the same import
again finds the row's phone and company name in that file and creates nothing.

Ids come from :func:`followup.engine.registration.customer_id`, as for ``followup new``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from followup.engine.grading import grade_all
from followup.engine.identity import parse_phone, valid_email
from followup.engine.records import ID_PATTERN, parse_customer
from followup.engine.registration import Match, Registry, customer_id, free_id, identity_keys
from followup.problems import Problem, problem
from followup.store import atomic, emit, yaml12
from followup.store.atomic import WriteRefused
from followup.text import problem_text
from followup.transfer.mapping import Mapping, header_keys, resolve_owner
from followup.transfer.table import Table
from followup.transfer.values import (
    cell_date,
    cell_number,
    cell_phones,
    is_masked,
    normalise_name,
    rounded_number,
    split_followups,
    text_of,
)

TOTAL_WORDS = ("合计", "总计", "小计", "total", "sum")
SKIP_CHANNELS = {"备注", "note"}  # words too common in notes to mean "this was a note"


@dataclass
class Planned:
    row: int
    cid: str
    path: str
    data: dict
    body: str
    customer: object = None
    raw: bytes = b""


@dataclass
class ImportPlan:
    label: str
    table: Table
    mapping: Mapping
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blank_rows: int = 0
    total_rows: int = 0
    duplicates: int = 0  # rows repeating an earlier row (merged into it or skipped)
    merged: int = 0
    merges: list = field(default_factory=list)  # (row, file, kind, value) of every merged row
    existing: int = 0
    invalid_rows: set = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    regraded: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- planning ----------------------------------------------------------------------------


class _Planner:
    def __init__(self, ws, table: Table, mapping: Mapping, label: str, as_of: dt.date,
                 default_owner: str | None):
        self.ws = ws
        self.rules = ws.rules
        self.table = table
        self.mapping = mapping
        self.label = label
        self.as_of = as_of
        self.default_owner = default_owner or mapping.defaults.get("owner")
        self.zh = self.rules.settings.language != "en"
        self.columns = [(col, key, mapping.columns.get(key, "ignore"))
                        for col, key, _ in header_keys(table, mapping.header_row)]
        self.plan = ImportPlan(label, table, mapping)
        self.known_ids = {c.id for c in ws.customers} | {Path(p).stem for p in ws.documents}
        self.existing = Registry(ws.customers)
        self.rows = Registry()  # identities of the rows planned so far -> their row number
        self.people: dict[str, str] = {}  # a person's name -> the first file or row with it
        for c in ws.customers:
            self.people.setdefault(normalise_name(c.name), c.path)
        self.by_row: dict[int, Planned] = {}
        channels = [c for c in self.rules.playbook.channels if c not in SKIP_CHANNELS]
        self.channels = channels

    def fail(self, code: str, row: int, col: int = 1, warning: bool = False, **params) -> None:
        params.setdefault("cell", f"{column_letter(col)}{row}")
        self.plan.problems.append(problem(code, self.label, line=row, col=col, warning=warning,
                                          **params))
        if not warning:
            self.plan.invalid_rows.add(row)

    def run(self) -> ImportPlan:
        for col, key, _target in self.columns:
            if key not in self.mapping.columns:
                self.fail("FU819", self.mapping.header_row, col, warning=True, header=key)
        if not any(t == "name" for _c, _k, t in self.columns):
            self.fail("FU802", self.mapping.header_row, header_row=self.mapping.header_row)
            return self.plan
        for r in range(self.mapping.header_row + 1, len(self.table.rows) + 1):
            cells = self.table.rows[r - 1]
            texts = [text_of(v) for v in cells]
            if not any(texts):
                self.plan.blank_rows += 1
                continue
            first = next(t for t in texts if t)
            if first.strip().lower() in TOTAL_WORDS:
                self.plan.blank_rows += 1
                continue
            self.plan.total_rows += 1
            self.row(r, cells)
        return self.plan

    # one row ------------------------------------------------------------------------

    def values(self, cells) -> dict[str, list[tuple[int, str, object]]]:
        found: dict[str, list] = {}
        for col, key, target in self.columns:
            value = cells[col - 1] if col <= len(cells) else None
            if target == "ignore" or value is None or text_of(value) == "":
                continue
            found.setdefault(target, []).append((col, key, value))
        return found

    def row(self, r: int, cells) -> None:
        v = self.values(cells)
        errors_before = len(self.plan.errors)
        notes: list[str] = []
        first = lambda t: v[t][0] if t in v else None  # noqa: E731

        name_cell = first("name")
        if name_cell is None:
            col = next(c for c, _k, t in self.columns if t == "name")
            self.fail("FU803", r, col)
            return
        name = text_of(name_cell[2])
        owner = self.owner(r, first("owner"))
        cid = None
        if "id" in v:
            col, _key, value = v["id"][0]
            cid = text_of(value)
            if not ID_PATTERN.match(cid):
                self.fail("FU817", r, col, value=cid)
        registered = self.date(r, first("registered"))
        contacts = self.contacts(r, v)
        stage = self.stage(r, first("stage"))
        facts = self.facts(r, v)
        deal_value = None
        if "deal_value" in v:
            col, key, value = v["deal_value"][0]
            deal_value = cell_number(value)
            if deal_value is None or deal_value < 0:
                self.fail("FU806", r, col, header=key, value=text_of(value))
        last_contact = self.date(r, first("last_contact"))
        next_date = self.date(r, first("next"))
        dated: list[tuple[dt.date, str]] = []
        for _col, key, value in v.get("log", []):
            found, head = split_followups(text_of(value))
            dated += found
            if head:
                notes.append(f"{key}:{head}")
        for _col, key, value in v.get("notes", []):
            notes.append(f"{key}:{text_of(value)}")
        if len(self.plan.errors) > errors_before:
            return
        verdict = self.duplicate(r, cid, name, owner, contacts)
        if verdict == "skip":
            return
        if verdict is not None:
            self.merge(r, verdict, owner, name, contacts, dated, last_contact, notes)
            return
        all_days = [d for d, _ in dated] + ([last_contact] if last_contact else [])
        if registered is None:
            past = [d for d in all_days if d <= self.as_of]
            registered = min(past) if past else self.as_of
        log = self.log(r, owner, registered, dated, last_contact, next_date, notes)
        data: dict = {"id": None, "name": name, "owner": owner, "registered": registered}
        for key in ("source", "referred_by"):
            if key in v:
                data[key] = text_of(v[key][0][2])
            elif self.mapping.defaults.get(key):
                data[key] = self.mapping.defaults[key]
        if contacts:
            data["contacts"] = contacts
        if stage is not None:
            data["stage"] = stage
        data.update(facts)
        if deal_value is not None:
            data["deal_value"] = deal_value
        if log:
            data["log"] = log
        cid = cid or self.new_id(name)
        data["id"] = cid
        self.known_ids.add(cid)
        self.rows.add([("id", cid)], r)  # a later row with this id in its id column repeats it
        body = self.body(r, notes)
        path = f"customers/{cid}.md"
        planned = Planned(r, cid, path, data, body)
        text = render_front_matter(data)
        try:
            parsed = yaml12.load_fast(text)
        except yaml12.YamlError as exc:  # pragma: no cover - the renderer quotes everything odd
            self.fail("FU816", r, detail=str(exc))
            return
        customer, found = parse_customer(parsed, path, self.rules.playbook, self.rules.team,
                                         self.as_of)
        bad = [p for p in found if p.is_error]
        if bad:
            message, _hint = problem_text(bad[0].code, bad[0].params, "zh" if self.zh else "en")
            self.fail("FU816", r, detail=f"{bad[0].code} {message}")
            return
        customer.body = body
        planned.customer = customer
        self.plan.planned.append(planned)
        self.by_row[r] = planned

    def owner(self, r: int, cell) -> str:
        text = text_of(cell[2]) if cell else ""
        if not text:
            if self.default_owner and self.default_owner in self.rules.team.people:
                return self.default_owner
            col = next((c for c, _k, t in self.columns if t == "owner"), 1)
            self.fail("FU818", r, col)
            return ""
        if text in self.mapping.owners:
            pid = self.mapping.owners[text]
        else:
            pid = resolve_owner(text, self.rules.team)
        if pid is None and self.default_owner in self.rules.team.people:
            return self.default_owner
        if pid is None or pid not in self.rules.team.people:
            self.fail("FU804", r, cell[0], owner=text, header=cell[1])
            return ""
        return pid

    def date(self, r: int, cell) -> dt.date | None:
        if cell is None:
            return None
        col, key, value = cell
        day = cell_date(value)
        if day is None:
            self.fail("FU805", r, col, header=key, value=text_of(value))
        return day

    def contacts(self, r: int, v: dict) -> list[dict]:
        main: dict = {}
        for target, key in (("contact.name", "name"), ("contact.role", "role")):
            if target in v:
                main[key] = text_of(v[target][0][2])
        phones, emails = [], []
        for col, header, value in v.get("contact.phone", []):
            if isinstance(value, (dt.date, dt.datetime)):  # the sheet read the number as a date
                self.fail("FU822", r, col, header=header, value=text_of(value))
                continue
            if rounded_number(value):
                self.fail("FU821", r, col, header=header, value=text_of(value))
                continue
            for phone in cell_phones(value):
                if is_masked(phone):
                    self.fail("FU813", r, col, warning=True, header=header, value=phone)
                    continue
                damage = parse_phone(phone).damage
                if damage:
                    self.fail(PHONE_DAMAGE.get(damage, "FU824"), r, col, header=header, value=phone,
                              digits=sum(ch.isdigit() for ch in phone))
                elif phone not in phones:
                    phones.append(phone)
        for col, header, value in v.get("contact.email", []):
            email = text_of(value)
            if is_masked(email):
                self.fail("FU813", r, col, warning=True, header=header, value=email)
            elif not valid_email(email):
                self.fail("FU811", r, col, header=header, value=email)
            elif email not in emails:
                emails.append(email.strip())
        if "contact.wechat" in v:
            col, header, value = v["contact.wechat"][0]
            wechat = text_of(value)
            if is_masked(wechat):
                self.fail("FU813", r, col, warning=True, header=header, value=wechat)
            else:
                main["wechat"] = wechat
        if phones:
            main["phone"] = phones[0]
        if emails:
            main["email"] = emails[0]
        if not main:
            return []
        contacts = [_ordered_contact(main)]
        for phone in phones[1:]:
            contacts.append(_ordered_contact({"name": main.get("name"), "phone": phone}))
        for email in emails[1:]:
            contacts.append(_ordered_contact({"name": main.get("name"), "email": email}))
        return contacts

    def stage(self, r: int, cell) -> str | None:
        if cell is None:
            return None
        col, key, value = cell
        text = text_of(value)
        stages = self.rules.playbook.stages
        if not stages:
            return text
        for s in stages:
            if text in (s.id, s.label):
                return s.id
        self.fail("FU810", r, col, header=key, value=text,
                  allowed=", ".join(f"{s.id} {s.label}" for s in stages))
        return None

    def facts(self, r: int, v: dict) -> dict:
        from followup.rules.playbook import normalise_fact_value

        out = {}
        for name, fact in self.rules.playbook.facts.items():
            if name not in v or name in ("stage", "source", "owner"):
                continue
            col, key, value = v[name][0]
            if fact.type == "date":
                converted = cell_date(value)
                if converted is None:
                    self.fail("FU805", r, col, header=key, value=text_of(value))
                    continue
            elif fact.type == "number":
                converted = cell_number(value)
                if converted is None:
                    self.fail("FU806", r, col, header=key, value=text_of(value))
                    continue
            elif fact.type == "multi":
                converted = [p for p in re.split(r"\s*[,,、;;/]\s*", text_of(value)) if p]
            else:
                converted = text_of(value)
            normal, ok = normalise_fact_value(fact, converted)
            if not ok:
                allowed = ", ".join(f"{k} ({lbl})" for k, lbl in fact.choices.items()) or fact.type
                self.fail("FU810", r, col, header=key, value=text_of(value), allowed=allowed)
                continue
            out[name] = normal
        return out

    def duplicate(self, r: int, cid, name: str, owner: str, contacts: list[dict]):
        """``"skip"`` for a row not to import (already a customer, FU808; or another owner's
        company in an earlier row, FU807), a :class:`Match` with the earlier row to merge
        into, ``None`` for a new customer. Only a strong identity merges rows: a shared
        company name alone says "perhaps", and so does a person's name (namesakes exist)."""
        keys = identity_keys(name, contacts, cid)
        found = self.existing.match(keys)
        if found is not None:
            self.plan.existing += 1
            self.fail("FU808", r, warning=True, kind=found.kind, value=_shown(found),
                      other=found.customer.path)
            return "skip"
        found = self.rows.match(keys)
        if found is not None and found.strong:
            return found
        person = normalise_name(name)
        if found is not None:  # the company of an earlier row, and no phone, e-mail or id shared
            earlier = self.by_row.get(found.customer)
            if earlier is not None and earlier.data["owner"] != owner:
                self.plan.duplicates += 1
                self.fail("FU807", r, warning=True, kind=found.kind, value=name, other=found.customer)
                return "skip"
            self.fail("FU814", r, warning=True, value=name, other=f"{self.label}:{found.customer}")
        elif person in self.people:
            self.fail("FU814", r, warning=True, value=name, other=self.people[person])
        self.people.setdefault(person, f"{self.label}:{r}")
        self.rows.add(keys, r)
        return None

    def merge(self, r: int, match: Match, owner: str, name: str, contacts: list[dict], dated,
              last_contact, notes: list[str]) -> None:
        """A later row of the same customer (one row per contact person is common): its new
        contacts, dated follow-ups and notes join the earlier row's file. Rows of the same
        customer under two owners are not merged (that is a 撞单 to settle by hand)."""
        earlier, kind_key = match.customer, (match.kind, match.value)
        p = self.by_row.get(earlier)
        self.plan.duplicates += 1
        if p is None or p.data["owner"] != owner:
            self.fail("FU807", r, warning=True, kind=kind_key[0], value=kind_key[1], other=earlier)
            return
        data = {k: (list(v) if isinstance(v, list) else v) for k, v in p.data.items()}
        known = set(identity_keys("", data.get("contacts", [])))
        for contact in contacts:
            mine = set(identity_keys("", [contact]))
            if not mine or not mine <= known:
                data.setdefault("contacts", []).append(contact)
                known |= mine
        added = self.log(r, owner, data["registered"], dated, last_contact, None, notes)
        log = data.get("log", [])
        seen_entries = {(e["date"], e.get("note")) for e in log}
        log += [e for e in added if (e["date"], e.get("note")) not in seen_entries]
        if log:
            data["log"] = sorted(log, key=lambda e: e["date"])
        data = _canonical_order(data)
        merged_note = (f"第 {r} 行(同一客户)已合并到这里。" if self.zh
                       else f"Row {r} (the same customer) was merged into this file.")
        body = p.body + "\n".join(["", merged_note, *[f"- {n}" for n in notes]]) + "\n"
        customer, found = parse_customer(yaml12.load_fast(render_front_matter(data)), p.path,
                                         self.rules.playbook, self.rules.team, self.as_of)
        if any(x.is_error for x in found):
            self.fail("FU807", r, warning=True, kind=kind_key[0], value=kind_key[1], other=earlier)
            return
        customer.body = body
        p.data, p.body, p.customer = data, body, customer
        self.rows.add(identity_keys(name, contacts), earlier)
        self.plan.merged += 1
        self.plan.merges.append((r, p.path, *kind_key))
        self.fail("FU820", r, warning=True, kind=kind_key[0], value=kind_key[1], other=earlier)

    def log(self, r, owner, registered, dated, last_contact, next_date, notes) -> list[dict]:
        entries = []
        for day, note in sorted(dated, key=lambda item: item[0]):
            if day > self.as_of or day < registered:
                reason = "future" if day > self.as_of else "before_registered"
                self.fail("FU815", r, warning=True, date=str(day), reason=reason)
                notes.append(f"{day}:{note}")
                continue
            entry = {"date": day}
            channel = self.channel(note)
            if channel:
                entry["channel"] = channel
            entry["by"] = owner
            if note:
                entry["note"] = note
            entries.append(entry)
        if last_contact and (last_contact > self.as_of or last_contact < registered):
            reason = "future" if last_contact > self.as_of else "before_registered"
            self.fail("FU815", r, warning=True, date=str(last_contact), reason=reason)
            notes.append(f"last_contact:{last_contact}")
        elif last_contact and all(e["date"] != last_contact for e in entries):
            note = "最近跟进(导入自表格)" if self.zh else "last contact (imported from the sheet)"
            entries.append({"date": last_contact, "by": owner, "note": note})
            entries.sort(key=lambda e: e["date"])
        if next_date:
            if entries and next_date >= entries[-1]["date"]:
                entries[-1]["next"] = next_date
            elif not entries and next_date >= registered:
                note = "导入:表格中的下次跟进日期" if self.zh else "imported: next follow-up from the sheet"
                entries.append({"date": min(registered, self.as_of), "channel": "备注", "by": owner,
                                "note": note, "next": next_date})
            else:
                self.fail("FU815", r, warning=True, date=str(next_date), reason="next")
                notes.append(f"next:{next_date}")
        return entries

    def channel(self, note: str) -> str | None:
        """The playbook channel named first in a note (notes start with how: 电话沟通…)."""
        found = [(note.find(c), -len(c), c) for c in self.channels if c in note]
        return min(found)[2] if found else None

    def new_id(self, name: str) -> str:
        return free_id(customer_id(name), lambda cid: cid in self.known_ids
                       or (self.ws.root / "customers" / f"{cid}.md").exists())

    def body(self, r: int, notes: list[str]) -> str:
        where = f"{self.table.path.name} 第 {r} 行" if self.zh else f"{self.table.path.name} row {r}"
        head = (f"导入自 {where}。" if self.zh else f"Imported from {where}.")
        lines = [head]
        if notes:
            lines.append("")
            lines += [f"- {n}".replace("\n", " ") for n in notes]
        return "\n".join(lines) + "\n"


# the problem code for each kind of damage a phone cell can show (engine.identity.Phone.damage)
PHONE_DAMAGE = {"scientific": "FU821", "date": "FU822", "short": "FU823", "long": "FU823"}


def _shown(found: Match) -> str:
    """A match as a person reads it: a company by its name, anything else by its value."""
    return getattr(found.customer, "name", found.value) if found.kind == "company" else found.value


def _canonical_order(data: dict) -> dict:
    first = ("id", "name", "owner", "registered", "source", "referred_by", "contacts", "stage")
    last = ("deal_value", "log", "tier", "due")
    middle = [k for k in data if k not in first and k not in last]
    return {k: data[k] for k in (*first, *middle, *last) if k in data}


def _ordered_contact(contact: dict) -> dict:
    keys = ("name", "role", "phone", "email", "wechat")
    return {k: contact[k] for k in keys if contact.get(k) not in (None, "")}


def plan_import(ws, table: Table, mapping: Mapping, label: str, as_of: dt.date,
                default_owner: str | None = None) -> ImportPlan:
    """The dry run: what would be created, and every problem, located at sheet:row:col."""
    plan = _Planner(ws, table, mapping, label, as_of, default_owner).run()
    if plan.planned:
        _grade(ws, plan)
    plan.problems.sort(key=lambda p: (p.line, p.col, p.code))
    return plan


def _grade(ws, plan: ImportPlan) -> None:
    """tier and due for the new files, graded together with everyone already there."""
    customers = ws.customers + [p.customer for p in plan.planned]
    grades = grade_all(customers, ws.rules.playbook, ws.rules.calendar)
    for p in plan.planned:
        grade = grades[p.path]
        p.data["tier"] = grade.tier
        p.data["due"] = grade.due
        p.raw = render_file(p.data, p.body)


# --- rendering -----------------------------------------------------------------------------

def render_front_matter(data: dict) -> str:
    """The front matter of a new file: one key a line, contacts and log one flow item a line."""
    return emit.mapping(data)


def render_file(data: dict, body: str) -> bytes:
    return emit.document(data, body=body).encode("utf-8")


def _fast_prover(data: dict):
    """``check(raw)`` for :func:`~followup.store.atomic.create`: the fast reader reads ``data``."""
    from followup.store.document import split

    def check(raw: bytes) -> None:
        doc = split("new", raw)
        try:
            got = yaml12.load_fast(doc.yaml_text)
        except (AttributeError, yaml12.YamlError) as exc:
            raise WriteRefused("new", f"the new file does not read back ({exc})") from None
        if got != data or list(got) != list(data):
            raise WriteRefused("new", "the fast reader reads other data than meant")

    return check


def roundtrip_disagreements(planned: list[Planned]) -> set[int]:
    """Rows whose front matter ruamel's round-trip reader does not read as exactly the
    data meant. ruamel is pure Python (~4 ms a file), so the files are read as
    multi-document streams, in several processes for a big import."""
    import os

    pairs = [(p.row, render_front_matter(p.data), p.data) for p in planned]
    workers = min(os.cpu_count() or 1, 8)
    if len(pairs) < 200 or workers < 2:
        return _disagreements(pairs)
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(pairs) // workers)
    chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return set().union(*pool.map(_disagreements, chunks))
    except (OSError, RuntimeError):  # no processes here (a sandbox): one is enough
        return _disagreements(pairs)


def _disagreements(pairs: list[tuple[int, str, dict]]) -> set[int]:
    try:
        for _row, text, _data in pairs:
            yaml12.load_fast(text)  # screens tags and alias bombs before ruamel sees them
        docs = list(yaml12.roundtrip_yaml().load_all("".join("---\n" + t for _r, t, _d in pairs)))
        if len(docs) == len(pairs):
            return {row for (row, _t, data), d in zip(pairs, docs) if not _same(yaml12.to_plain(d), data)}
    except Exception:  # any failure: judge each file on its own below
        pass
    bad = set()
    for row, text, data in pairs:
        try:
            got, _ = yaml12.load_roundtrip(text)
        except yaml12.YamlError:
            bad.add(row)
            continue
        if not _same(got, data):
            bad.add(row)
    return bad


def _same(got, data: dict) -> bool:
    return got == data and list(got) == list(data)


def write_planned(ws, plan: ImportPlan, workers: int = 16) -> None:
    """Prove every planned file with both YAML readers, create them (refusing existing
    ones; fsyncs run in parallel threads), then re-grade files a rank playbook moved."""
    from concurrent.futures import ThreadPoolExecutor

    refused = roundtrip_disagreements(plan.planned)

    def create(p: Planned):
        if p.row in refused:
            return p, "the round-trip reader reads other data than meant"
        try:
            atomic.create(ws.root, ws.root / p.path, p.raw, _fast_prover(p.data))
        except WriteRefused as exc:
            return p, exc.reason
        return p, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(create, plan.planned))
    for p, reason in results:
        if reason is None:
            plan.created.append(p.path)
        else:
            plan.problems.append(problem("FU812", plan.label, line=p.row, col=1, path_=p.path,
                                         reason=reason, cell=f"A{p.row}"))
    if any(c.method.needs_population for c in ws.rules.playbook.classifications.values()):
        plan.regraded = regrade(ws.root, ws.as_of)


def regrade(root: Path, as_of) -> int:
    """``followup grade --write`` for the whole repository (the same step,
    :mod:`followup.store.changes`): a rank playbook grades on the population, so new
    customers may move others. Returns how many files changed."""
    from followup.store.changes import plan_grades, write_all
    from followup.store.workspace import load_workspace

    with atomic.locked(root):
        ws = load_workspace(root, as_of)
        if ws.rules is None:
            return 0
        grades = grade_all(ws.customers, ws.rules.playbook, ws.rules.calendar)
        return len(write_all(ws, plan_grades(ws, grades)).written)
