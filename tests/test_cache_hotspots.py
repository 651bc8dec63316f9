"""Hot-spot shortcuts give exactly what the slow path gives."""

from __future__ import annotations

import random

import phonenumbers

from followup.engine import identity


def slow(text: str) -> tuple[str, bool]:
    """libphonenumber alone: the E.164 text of a valid number, and whether it is valid."""
    try:
        number = phonenumbers.parse(text.strip(), "CN")
    except phonenumbers.NumberParseException:
        return "", False
    if not phonenumbers.is_valid_number(number):
        return "", False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True


def fast(text: str) -> tuple[str, bool]:
    identity.parse_phone.cache_clear()
    parsed = identity.parse_phone(text)
    return parsed.number, parsed.valid


def test_chinese_mobile_shortcut_equals_libphonenumber():
    rng = random.Random(3)
    shapes = ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "+86 {a} {b} {c}", "+86{a}{b}{c}",
              "+86-{a}-{b}-{c}", "+86 {a}-{b}-{c}", " {a}{b}{c} "]
    for _ in range(3000):
        a = f"1{rng.randint(0, 9)}{rng.randint(0, 9)}"
        b, c = f"{rng.randint(0, 9999):04d}", f"{rng.randint(0, 9999):04d}"
        text = rng.choice(shapes).format(a=a, b=b, c=c)
        assert fast(text) == slow(text), text


def test_other_numbers_still_go_to_libphonenumber():
    for text in ["021-6234 5678", "+1 650 253 0000", "010 8888 9999", "12345", "138 1234 567",
                 "+44 20 7946 0958", "400-800-8888", "194 1296 9172", "154 0000 1111",
                 "1610 123 4567", "+86 1740 012 3456"]:
        assert fast(text) == slow(text), text


def test_the_shortcut_agrees_on_every_mobile_block():
    """Every 11-digit number from 1000 0000 000 to 1999 9999 999 by its first five digits:
    the shortcut calls valid exactly what libphonenumber calls valid (194 and 154 are not)."""
    for block in range(10000, 20000):
        text = f"{block}{block % 997:06d}"
        assert fast(text) == slow(text), text
