"""Customers back to a sheet: one row each, and the 分类汇总 a manager builds by hand.

``followup export 客户.xlsx`` writes two worksheets:

- ``客户`` — id, name, owner, tier, next follow-up, stage, value, last contact, source,
  registration and the first contact; phones, emails and WeChat ids masked unless
  ``--unmask`` (phones always, the others as ``mask:`` in rules/followup.yaml says);
- ``分类汇总`` — per tier: customers, overdue, total value; per owner: customers per
  tier, overdue, total value; and a grand total. Archived customers are listed on the
  first sheet (with their 归档日期) but not counted in the totals.

For ``.csv`` the totals go to a second file beside it (``客户-分类汇总.csv``). The
headers are the ones the importer recognises, so an exported sheet imports back
into the same repository as "already there" and creates nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from followup.engine.privacy import MASKERS
from followup.store import atomic
from followup.text import Words, label, say

# The first sheet's columns, in order: catalogue keys ``export.col.<name>`` (text/zh.py, en.py).
COLUMNS = ("id", "name", "owner", "tier", "due", "stage", "value", "last_contact", "source", "registered",
           "contact", "phone", "email", "wechat", "overdue_days", "archived")


def customer_rows(ws, grades, as_of: dt.date, lang: str = "zh", unmask: bool = False,
                  owner: str | None = None) -> list[list]:
    team = ws.rules.team
    playbook = ws.rules.playbook
    kinds = set() if unmask else set(ws.rules.settings.mask) | {"phone"}
    rows = []
    for grade in sorted(grades.values(), key=lambda g: (g.customer.owner, g.customer.id)):
        c = grade.customer
        if owner and owner not in c.owners:
            continue
        contact = c.contacts[0] if c.contacts else {}

        def shown(kind, contact=contact):
            value = contact.get(kind)
            if not value:
                return None
            return MASKERS[kind](value) if kind in kinds else str(value)

        stage = playbook.stage(c.stage) if c.stage is not None else None
        archived = c.archived.get("date") if c.archived else None
        late = (as_of - grade.due).days if grade.due and grade.due < as_of and not archived else 0
        rows.append([c.id, c.name, team.name_of(c.owner), grade.tier, grade.due,
                     label(stage.label, lang) if stage else c.stage, c.deal_value,
                     grade.schedule.last_contact,
                     c.source or None, c.registered, contact.get("name"), shown("phone"),
                     shown("email"), shown("wechat"), late or None, archived])
    return rows


def totals(ws, grades, as_of: dt.date, lang: str = "zh", owner: str | None = None) -> list[list]:
    """The 分类汇总 as rows of cells (blank rows between the blocks)."""
    t = Words(lang)

    def w(key: str) -> str:
        return t(f"export.{key}")

    tiers = ws.rules.playbook.driving.tiers
    team = ws.rules.team
    mine = [g for g in grades.values() if not owner or owner in g.customer.owners]
    chosen = [g for g in mine if not g.customer.archived]

    def late(g) -> bool:
        return bool(g.due and g.due < as_of)

    def value(gs) -> float:
        return sum(g.customer.deal_value or 0 for g in gs)

    rows: list[list] = [[w("as_of"), as_of], [], [w("by_tier")],
                        [w("tier"), w("label"), w("customers"), w("overdue"), w("value")]]
    for tier in tiers:
        members = [g for g in chosen if g.tier == tier.id]
        rows.append([tier.id, t.label(tier.label), len(members), sum(map(late, members)), value(members)])
    rows.append([w("total"), None, len(chosen), sum(map(late, chosen)), value(chosen)])
    rows += [[], [w("by_owner")],
             [w("owner"), *[tier.id for tier in tiers], w("customers"), w("overdue"), w("value")]]
    owners = sorted({g.customer.owner for g in chosen})
    for person in owners:
        members = [g for g in chosen if g.customer.owner == person]
        rows.append([team.name_of(person), *[sum(g.tier == tier.id for g in members) for tier in tiers],
                     len(members), sum(map(late, members)), value(members)])
    rows.append([w("total"), *[sum(g.tier == tier.id for g in chosen) for tier in tiers], len(chosen),
                 sum(map(late, chosen)), value(chosen)])
    rows += [[], [w("archived"), len(mine) - len(chosen)]]
    return rows


def export(ws, grades, out: Path, as_of: dt.date, lang: str = "zh", unmask: bool = False,
           owner: str | None = None, encoding: str = "utf-8-sig") -> list[tuple[Path, int]]:
    rows = customer_rows(ws, grades, as_of, lang, unmask, owner)
    summary = totals(ws, grades, as_of, lang, owner)
    header = [say(f"export.col.{name}", lang) for name in COLUMNS]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        side = out.with_name(f"{out.stem}-{say('export.sheet.totals', lang)}.csv")
        _write_csv(out, [header, *rows], encoding)
        _write_csv(side, summary, encoding)
        return [(out, len(rows)), (side, len(summary))]
    _write_xlsx(out, header, rows, summary, lang)
    return [(out, len(rows))]


def _cell(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def _write_csv(path: Path, rows: list[list], encoding: str) -> None:
    with atomic.output(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([_cell(v) for v in row])


def _write_xlsx(path: Path, header: list, rows: list[list], summary: list[list], lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = say("export.sheet.customers", lang)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([v if v is not None else None for v in row])
    for col, name in enumerate(header, start=1):
        letter = get_column_letter(col)
        width = max([len(str(name)) * 2] + [len(str(r[col - 1] or "")) for r in rows[:200]]) + 2
        sheet.column_dimensions[letter].width = min(width, 40)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif col in (12,):  # phones stay text: no 1.38E+10
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    totals_sheet = book.create_sheet(say("export.sheet.totals", lang))
    for row in summary:
        totals_sheet.append(row)
        if len(row) == 1:
            totals_sheet.cell(totals_sheet.max_row, 1).font = Font(bold=True)
    for cell in totals_sheet["B"]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    totals_sheet.column_dimensions["A"].width = 14
    totals_sheet.column_dimensions["B"].width = 22
    with atomic.output(path) as tmp:
        book.save(tmp)
