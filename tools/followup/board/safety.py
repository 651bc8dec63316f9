"""Page paths that cannot escape the site, and masking of personal data in free text.

A customer's page is ``customers/<slug>.md``. The slug keeps letters, digits, Han
characters, ``-`` and ``_`` of the id and nothing else, so ``../../etc/passwd`` or
``<script>`` can never leave ``site_src/customers/``; when anything had to be removed,
or two ids collide (case-insensitively), a short hash of the file path keeps it unique::

    >>> slugify("zhang-wei")
    'zhang-wei'
    >>> slugify("../../x")[:2]
    'x-'

Masking goes beyond the contact table: notes and bodies may hold a number too, so
every known phone, email and WeChat id of every customer is masked wherever it
appears, and anything that looks like a phone number or an email is masked as well.
"""

from __future__ import annotations

import hashlib
import re

from ..privacy import MASKERS, mask_email, mask_phone

_UNSAFE = re.compile(r"[^\w-]+", re.UNICODE)
PHONE_LIKE = re.compile(r"(?<![\w.])\+?\d[\d\s\-()]{5,18}\d(?![\w.])")
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TOKEN = re.compile(r"[A-Za-z0-9_.@+-]{3,}")  # WeChat ids, emails and phone numbers without spaces


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def slugify(cid: str, path: str = "") -> str:
    clean = _UNSAFE.sub("-", str(cid)).strip("-_.")[:80] or "customer"
    if clean != str(cid):
        clean = f"{clean}-{_digest(path or str(cid))}"
    return clean


def unique_slugs(customers) -> dict[str, str]:
    """``path -> slug`` for every customer, unique even on case-insensitive file systems."""
    result, taken = {}, set()
    for c in sorted(customers, key=lambda c: c.path):
        slug = slugify(c.id, c.path)
        if slug.casefold() in taken:
            slug = f"{slug}-{_digest(c.path)}"
        taken.add(slug.casefold())
        result[c.path] = slug
    return result


class Masker:
    """Masks the kinds listed in ``settings.mask`` everywhere on the board.

    Free text is scanned once per call, in linear time: ASCII tokens that are a known
    email or WeChat id or phone number of any customer are replaced by their mask, and
    then anything shaped like a phone number or an email is masked (so a number written
    with spaces, or one that belongs to nobody on file, is caught too).
    """

    def __init__(self, kinds, customers=()):
        self.kinds = tuple(kinds)
        self.known: dict[str, str] = {}
        for c in customers:
            for contact in c.contacts:
                for kind in self.kinds:
                    value = contact.get(kind)
                    if value and len(str(value)) >= 3:
                        self.known[str(value).strip()] = MASKERS[kind](value)

    def _token(self, match: re.Match) -> str:
        token = match.group(0)
        core = token.rstrip(".-")  # a sentence may end right after an id
        if core in self.known:
            return self.known[core] + token[len(core) :]
        return token

    def contact(self, value, kind: str) -> str:
        if not value:
            return ""
        return MASKERS[kind](value) if kind in self.kinds else str(value)

    def text(self, value) -> str:
        """Free text (notes, bodies, any record value) with personal data masked."""
        if value is None:
            return ""
        text = str(value)
        if not self.kinds:
            return text
        if self.known:
            text = TOKEN.sub(self._token, text)
        if "email" in self.kinds:
            text = EMAIL_LIKE.sub(lambda m: mask_email(m.group(0)), text)
        if "phone" in self.kinds:
            text = PHONE_LIKE.sub(_phone, text)
        return text


def _phone(match: re.Match) -> str:
    raw = match.group(0)
    digits = sum(ch.isdigit() for ch in raw)
    # dates (2026-11-22) and short numbers are not phone numbers
    if digits < 7 or re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw.strip()):
        return raw
    return mask_phone(raw)
