"""Registering a customer: its id, "is there already such a customer", referral, cap.

One home for what ``followup new``, ``followup import`` and the ownership check
(:mod:`followup.checks.ownership`) must agree on:

- :func:`customer_id` -- the id (and file name) from a name: a readable pinyin slug
  without the legal form, ``宁波海天塑机集团有限公司`` → ``ning-bo-hai-tian-su-ji-ji-tuan``.
  ASCII because file names appear in every pull request, URL and shell, and
  ``zhang-wei.md`` says more than a hash; never the phone (a file name is not
  masked). :func:`free_id` adds ``-2``, ``-3`` when it is taken.
- :class:`Registry` -- who is already registered, by identity; :meth:`Registry.match`
  answers with the customer and why (:class:`Match`), a strong identity first.
- :func:`referral_owner` -- the salesperson a referral belongs to.
- :func:`at_cap` / :func:`over_cap` -- the cap per salesperson.
- :func:`valid_registration` -- a real name and a valid phone (seed 001: 首次来访时不能留下
  真实姓名及联系电话,则视为无效客户).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

from followup.engine.identity import STRONG, identities, normalise_phone

# --- ids ---------------------------------------------------------------------------------

_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
ID_LENGTH = 48


def customer_id(name: str) -> str:
    """The id a new customer of this name gets.

    >>> customer_id("上海恒通贸易有限公司"), customer_id("张伟"), customer_id("ABC 科技")
    ('shang-hai-heng-tong-mao-yi', 'zhang-wei', 'abc-ke-ji')
    >>> customer_id("宁波海天塑机集团")
    'ning-bo-hai-tian-su-ji-ji-tuan'
    """
    from pypinyin import lazy_pinyin

    text = _LEGAL_FORM.sub("", name.strip()) or name.strip()
    out = ""
    for piece in lazy_pinyin(text):
        part = re.sub(r"[^a-z0-9]+", "-", piece.lower()).strip("-")
        if not part:
            continue
        if len(out) + len(part) + 1 > ID_LENGTH:
            break
        out = f"{out}-{part}" if out else part
    return out or "customer"


def free_id(base: str, taken) -> str:
    """``base``, else ``base-2``, ``base-3`` …: the first for which ``taken(id)`` is false."""
    cid, n = base, 1
    while taken(cid):
        n += 1
        cid = f"{base}-{n}"
    return cid


# --- is there already such a customer ------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """``customer`` (a record, or whatever the registry was given) shares ``kind`` ``value``."""

    customer: object
    kind: str  # id | phone | email | wechat | company
    value: str

    @property
    def strong(self) -> bool:
        return self.kind in STRONG


def identity_keys(name: str, contacts: list, cid: str | None = None) -> list[tuple[str, str]]:
    """The ``(kind, value)`` identities of a customer not yet in a file."""
    keys = [("id", cid)] if cid else []
    return keys + [(k, v) for k, v, _ in identities(SimpleNamespace(name=name, contacts=contacts))]


def keys_of(customer) -> list[tuple[str, str]]:
    return [("id", customer.id)] + [(k, v) for k, v, _ in identities(customer)]


class Registry:
    """Identities → who holds them (the first one registered)."""

    def __init__(self, customers=()):
        self.holders: dict[tuple[str, str], object] = {}
        for c in customers:
            self.add(keys_of(c), c)

    def add(self, keys, holder) -> None:
        for key in keys:
            self.holders.setdefault(key, holder)

    def match(self, keys) -> Match | None:
        """The holder of one of ``keys``: a strong identity wins over a company name."""
        weak = None
        for kind, value in keys:
            holder = self.holders.get((kind, value))
            if holder is None:
                continue
            found = Match(holder, kind, value)
            if found.strong:
                return found
            weak = weak or found
        return weak


# --- referral, cap, valid registration --------------------------------------------------------


def referral_owner(referrer, policy) -> str | None:
    """The salesperson a customer referred by ``referrer`` belongs to, or None when the
    policy lets anyone take it (referrals: first, or a referrer in the pool)."""
    if referrer is None or policy.referrals != "referrer" or referrer.owner in ("", policy.pool):
        return None
    return referrer.owner


def owners_count(customers, pool: str) -> dict[str, int]:
    """Active customers per salesperson (archived ones and the pool do not count)."""
    counts: dict[str, int] = {}
    for c in customers:
        if c.archived or c.owner in ("", pool):
            continue
        counts[c.owner] = counts.get(c.owner, 0) + 1
    return counts


def at_cap(owner: str, customers, policy) -> bool:
    """Would one more customer put ``owner`` over the policy's cap?"""
    if policy.max_customers is None or owner == policy.pool:
        return False
    return owners_count(customers, policy.pool).get(owner, 0) >= policy.max_customers


def over_cap(customers, policy) -> list[tuple[str, int]]:
    """``(owner, count)`` of every salesperson holding more than the cap, by id."""
    if policy.max_customers is None:
        return []
    counts = owners_count(customers, policy.pool)
    return [(o, n) for o, n in sorted(counts.items()) if n > policy.max_customers]


def valid_registration(customer) -> bool:
    """A contact with a name and a valid phone number (an extension allowed)."""
    return any(str(c.get("name") or "").strip() and normalise_phone(str(c.get("phone") or ""))
               for c in customer.contacts)
