"""Masking personal data for anything that leaves the repository (board, feeds, exports).

    >>> mask_phone("138 1234 5678"), mask_email("zhang.wei@example.com"), mask_wechat("zw_buyer88")
    ('138****5678', 'z***@example.com', 'zw******88')

Masking is on by default (``mask: [phone, email, wechat]`` in rules/followup.yaml).
It goes beyond the contact table: notes and bodies may hold a number too, so
:class:`Masker` masks every known phone, email and WeChat id of every customer
wherever it appears, and anything shaped like a phone number or an email as well.
Everything that leaves the repository (board, calendar feeds, exports) masks through it.
"""

from __future__ import annotations

import re

PHONE_LIKE = re.compile(r"(?<![\w.])\+?\d[\d\s\-()]{5,18}\d(?![\w.])")
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TOKEN = re.compile(r"[A-Za-z0-9_.@+-]{3,}")  # WeChat ids, emails and phone numbers without spaces


def mask_phone(raw) -> str:
    digits = "".join(ch for ch in str(raw) if ch.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) > 11 and digits.startswith("86"):
        digits = digits[2:]
    keep_head = 3 if len(digits) >= 7 else 1
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_email(raw) -> str:
    text = str(raw)
    if "@" not in text:
        return "*" * len(text)
    user, domain = text.split("@", 1)
    return (user[:1] + "***@" + domain) if user else "***@" + domain


def mask_wechat(raw) -> str:
    text = str(raw)
    if len(text) <= 4:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


MASKERS = {"phone": mask_phone, "email": mask_email, "wechat": mask_wechat}


def mask_contact(contact: dict, kinds) -> dict:
    """A copy of ``contact`` with the listed kinds of personal data masked."""
    return {k: (MASKERS[k](v) if k in kinds and k in MASKERS and v else v) for k, v in contact.items()}


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
