"""Is this the same customer? One answer for ``check``, ``new`` and ``import``.

A customer's identities are its normalised phones, e-mails and company name
(:func:`identities`); two records sharing one collide (:func:`collisions`). Whether a
collision is a duplicate file (same salesperson) or 撞单 (two salespeople) is for the
checks and the ownership policy to say.

Phone numbers are compared in E.164 form using Google's libphonenumber port
(``phonenumbers``), so ``138 1234 5678``, ``+86 138-1234-5678`` and
``8613812345678`` are the same number; a regex would get this wrong.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_COMPANY = re.compile(r"(公司|集团|厂|店|工作室|事务所|中心|医院|学校|银行|co\.?|ltd\.?|inc\.?|corp\.?|llc|gmbh)",  # noqa: E501
                      re.I)
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "分公司", "公司")
_LATIN_SUFFIX = re.compile(r"(?:^|[\s,.])(?:co|company|ltd|limited|inc|corp|corporation|llc|gmbh)[\s,.]*$")
_BRACKETED = re.compile(r"[((\[].*?[))\]]")
_NOT_WORD = re.compile(r"[\s\W_]+")


def normalise_company(name: str) -> str:
    """A company's comparable name: NFKC, no spaces/brackets/punctuation, no legal suffix.

    >>> normalise_company("上海 星河科技有限公司(浦东)")
    '上海星河科技'
    >>> normalise_company("Acme Co., Ltd.") == normalise_company("ACME Ltd")
    True
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    if not text or not _COMPANY.search(text):
        return ""
    text = _BRACKETED.sub("", text)
    changed = True
    while changed:
        stripped = _LATIN_SUFFIX.sub("", text.rstrip(" .,"))
        for suffix in _SUFFIXES:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                stripped = stripped[: -len(suffix)]
                break
        changed, text = stripped != text and bool(stripped), stripped or text
    return _NOT_WORD.sub("", text)


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
