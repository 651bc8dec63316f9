"""One iCalendar (RFC 5545) feed per salesperson: their customers' next follow-ups.

A salesperson subscribes to ``calendars/<owner-id>.ics`` from a phone calendar. Each
customer gives one all-day event on its due date; an overdue one is placed on the
as-of day (with "逾期 N 天" in the title), so nothing late hides in the past. Event
text follows the board's masking (``mask:`` in rules/followup.yaml).

Feeds are reproducible: the same files, rules and as-of day give the same bytes.
``UID`` is stable per customer and owner (a calendar app updates the event rather than
adding a second one when the due date moves), and ``DTSTAMP`` is the as-of day at
00:00 UTC rather than the wall clock. Generation and line folding are done by the
``icalendar`` library; tests parse the result back with it.

    write_feeds(workspace, grades, Path("site_src/calendars"), as_of)  # the board calls this
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from followup.board.safety import slugify
from followup.engine.privacy import Masker
from followup.rules.workdays import days_after
from followup.store import atomic
from followup.text import Words, say

PRODID = "-//followup//customer follow-ups//ZH"
UID_DOMAIN = "followup.invalid"  # RFC 2606: a name that is never anyone's host


def _event(grade, owner: str, as_of: dt.date, ws, lang: str, stamp: dt.datetime, masker: Masker):
    from icalendar import Event

    c = grade.customer
    due = grade.due
    late = (as_of - due).days if due < as_of else 0
    day = as_of if late else due
    tier = ws.rules.playbook.driving.tier(grade.tier)
    words = Words(lang)
    title = words("feed.title", name=c.name, tier=grade.tier)
    if late:
        title += " " + words("feed.overdue", n=late)
    lines = [f"{words('feed.tier')}: {grade.tier} {words.label(tier.label) if tier else ''}".rstrip(),
             f"{words('feed.due')}: {due.isoformat()}",
             f"{words('feed.last')}: {grade.schedule.last_contact or words('feed.never')}"]
    stage = ws.rules.playbook.stage(c.stage) if c.stage is not None else None
    if stage:
        lines.append(f"{words('feed.stage')}: {words.label(stage.label)}")
    for contact in c.contacts[:3]:
        parts = [masker.text(contact.get("name")), masker.text(contact.get("role"))]
        parts += [masker.contact(contact.get(kind), kind) for kind in ("phone", "email", "wechat")]
        lines.append(f"{words('feed.contact')}: " + " ".join(p for p in parts if p))
    if c.log:
        last = c.log[-1]
        lines.append(f"{words('feed.note')}: {last.date} {last.channel} {masker.text(last.note)}".rstrip())
    event = Event()
    event.add("uid", f"{c.id}.{owner}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", days_after(day, 1))
    event.add("summary", masker.text(title))
    event.add("description", "\n".join(lines))
    event.add("categories", [grade.tier])
    event.add("transp", "TRANSPARENT")
    return event


def feed(ws, grades, owner: str, as_of: dt.date, masker: Masker | None = None) -> bytes:
    """The ``.ics`` bytes for one salesperson."""
    from icalendar import Calendar

    lang = ws.rules.settings.language
    stamp = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", say("feed.calname", lang, name=ws.rules.team.name_of(owner)))
    cal.add("x-wr-timezone", ws.rules.calendar.timezone if hasattr(ws.rules.calendar, "timezone")
            else "Asia/Shanghai")
    mine = [g for g in grades.values()
            if owner in g.customer.owners and g.due is not None and not g.customer.archived]
    masker = masker or Masker(ws.rules.settings.mask, ws.customers)
    for grade in sorted(mine, key=lambda g: (g.due, g.customer.id)):
        cal.add_component(_event(grade, owner, as_of, ws, lang, stamp, masker))
    return cal.to_ical()


def write_feeds(workspace, grades, target_dir, as_of: dt.date) -> list[Path]:
    """Write ``<owner-id>.ics`` (a safe slug of the id) for every salesperson in
    rules/team.yaml (and any other owner found in the files; not the 公海 pool, which nobody
    subscribes to). Returns the paths written."""
    ws = workspace
    if ws.rules is None:
        return []
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    owners = [pid for pid, person in ws.rules.team.people.items() if person.role != "pool"]
    pools = {pid for pid, person in ws.rules.team.people.items() if person.role == "pool"}
    for g in grades.values():
        for o in g.customer.owners:
            if o and o not in owners and o not in pools:
                owners.append(o)
    written = []
    masker = Masker(ws.rules.settings.mask, ws.customers)
    for owner in owners:
        path = target / f"{slugify(owner)}.ics"  # an owner id never escapes the folder
        data = feed(ws, grades, owner, as_of, masker)
        atomic.write_output(path, data)
        written.append(path)
    return written
