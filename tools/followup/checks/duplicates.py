"""Cross-record checks in one pass: duplicate ids, and one phone or email on two customers.

Phone numbers are compared in E.164 form using Google's libphonenumber port
(``phonenumbers``), so ``138 1234 5678``, ``+86 138-1234-5678`` and
``8613812345678`` are the same number; a regex would get this wrong.
"""

from __future__ import annotations

import functools

from ..problems import problem


@functools.lru_cache(maxsize=200_000)
def normalise_phone(raw: str, region: str = "CN") -> str:
    import phonenumbers

    text = str(raw).strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    return str(raw).strip().lower()


def identities(customer) -> list[tuple[str, str, tuple]]:
    """``(kind, normalised value, key path)`` for each phone and email of a customer."""
    found = []
    for i, contact in enumerate(customer.contacts):
        for kind, norm in (("phone", normalise_phone), ("email", normalise_email)):
            value = contact.get(kind)
            if value:
                key = norm(str(value))
                if key:
                    found.append((kind, key, ("contacts", i, kind)))
    return found


def check_duplicates(workspace, grades) -> list:
    problems = []
    by_id: dict[str, str] = {}
    for c in workspace.customers:
        if c.id in by_id and by_id[c.id] != c.path:
            problems.append(problem("FU401", c.path, path=("id",), id=c.id, other=by_id[c.id]))
        else:
            by_id.setdefault(c.id, c.path)
    seen: dict[tuple[str, str], object] = {}
    for c in workspace.customers:
        mine = set()
        for kind, key, path in identities(c):
            if (kind, key) in mine:
                continue  # the same number twice in one file is not a conflict
            mine.add((kind, key))
            other = seen.get((kind, key))
            if other is None:
                seen[(kind, key)] = c
                continue
            code = "FU402" if kind == "phone" else "FU403"
            # a warning: the ownership policy decides who keeps the customer (撞单)
            problems.append(problem(code, c.path, path=path, value=key, other=other.path,
                                    other_owner=other.owner, warning=True))
    return problems
