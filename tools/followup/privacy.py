"""Masking personal data for anything that leaves the repository (board, feeds, exports).

    >>> mask_phone("138 1234 5678"), mask_email("zhang.wei@example.com"), mask_wechat("zw_buyer88")
    ('138****5678', 'z***@example.com', 'zw******88')

Masking is on by default (``mask: [phone, email, wechat]`` in rules/followup.yaml).
"""

from __future__ import annotations


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
