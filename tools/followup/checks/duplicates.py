"""Cross-record checks in one pass: duplicate ids, and one phone, email or company on two customers.

:func:`collisions` is the one place that finds "the same person or company twice";
two records of the same salesperson are reported here (FU402–FU404, probably one
customer filed twice), two records of different salespeople are 撞单 and are
resolved by the ownership policy in :mod:`followup.checks.ownership` (FU701/FU702).

Phone numbers are compared in E.164 form using Google's libphonenumber port
(``phonenumbers``), so ``138 1234 5678``, ``+86 138-1234-5678`` and
``8613812345678`` are the same number; a regex would get this wrong.
"""

from __future__ import annotations

import functools
import re

from ..i18n import PROBLEMS
from ..ownership import normalise_company
from ..problems import problem

PROBLEMS.setdefault("FU404", (
    "公司名 {value} 同时出现在 {other}(负责人 {other_owner})", "可能重复建档:确认是否同一客户",
    "company {value} also in {other} (owner {other_owner})", "possible duplicate customer"))


# The common shape -- a Chinese mobile number, with or without +86, spaces or hyphens --
# gives the same E.164 text as libphonenumber (tests/test_cache_hotspots.py proves it
# on generated numbers) at 1/100 of the cost; anything else goes to phonenumbers.
_CN_MOBILE = re.compile(r"(?:\+86[ -]?)?(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})")


@functools.lru_cache(maxsize=200_000)
def normalise_phone(raw: str, region: str = "CN") -> str:
    text = str(raw).strip()
    if not text:
        return ""
    if region == "CN":
        mobile = _CN_MOBILE.fullmatch(text)
        if mobile:
            return "+86" + "".join(mobile.groups())
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    return str(raw).strip().lower()


def identities(customer) -> list[tuple[str, str, tuple]]:
    """``(kind, normalised value, key path)`` for each phone, email and company name of a customer."""
    found = []
    company = normalise_company(customer.name)
    if company:
        found.append(("company", company, ("name",)))
    for i, contact in enumerate(customer.contacts):
        for kind, norm in (("phone", normalise_phone), ("email", normalise_email)):
            value = contact.get(kind)
            if value:
                key = norm(str(value))
                if key:
                    found.append((kind, key, ("contacts", i, kind)))
    return found


def collisions(customers, identities_of=None):
    """Yield ``(kind, value, key path, customer, earlier customer)`` for every identity seen
    before. ``identities_of(customer)``: :func:`identities`, unless already known."""
    identities_of = identities_of or identities
    seen: dict[tuple[str, str], object] = {}
    for c in customers:
        mine = set()
        for kind, key, path in identities_of(c):
            if (kind, key) in mine:
                continue  # the same number twice in one file is not a conflict
            mine.add((kind, key))
            other = seen.get((kind, key))
            if other is None:
                seen[(kind, key)] = c
                continue
            yield kind, key, path, c, other


def workspace_collisions(ws) -> list:
    """:func:`collisions` of a loaded workspace, found once per command: the duplicates
    and the ownership checks both need them (normalising every name twice cost a third
    of the cross-record checks)."""
    found = ws.memo.get("collisions")
    if found is None or found[0] is not ws.customers or found[1] != len(ws.customers):
        known = ws.identities  # found by the parsing workers (lean loads)

        def identities_of(c):
            mine = known.get(c.path)
            return identities(c) if mine is None else mine

        found = ws.memo["collisions"] = (ws.customers, len(ws.customers),
                                         list(collisions(ws.customers, identities_of)))
    return found[2]


CODES = {"phone": "FU402", "email": "FU403", "company": "FU404"}


def check_duplicates(workspace, grades) -> list:
    problems = []
    by_id: dict[str, str] = {}
    for c in workspace.customers:
        if c.id in by_id and by_id[c.id] != c.path:
            problems.append(problem("FU401", c.path, path=("id",), id=c.id, other=by_id[c.id]))
        else:
            by_id.setdefault(c.id, c.path)
    for kind, key, path, c, other in workspace_collisions(workspace):
        if c.owner != other.owner:
            continue  # 撞单 between salespeople: the ownership check resolves it by policy
        # a warning: one household sharing a phone belongs to one salesperson (seed 001:
        # 同一户家人……归属同一个置业顾问), so this is often right and only sometimes a duplicate file
        problems.append(problem(CODES[kind], c.path, path=path, value=key, other=other.path,
                                other_owner=other.owner, warning=True))
    return problems
