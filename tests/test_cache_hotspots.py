"""Hot-spot shortcuts give exactly what the slow path gives."""

from __future__ import annotations

import random

import phonenumbers

from followup.engine import identity


def slow(text: str) -> str:
    try:
        number = phonenumbers.parse(text.strip(), "CN")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_chinese_mobile_shortcut_equals_libphonenumber():
    rng = random.Random(3)
    shapes = ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "+86 {a} {b} {c}", "+86{a}{b}{c}",
              "+86-{a}-{b}-{c}", "+86 {a}-{b}-{c}", " {a}{b}{c} "]
    for _ in range(3000):
        a = f"1{rng.randint(0, 9)}{rng.randint(0, 9)}"
        b, c = f"{rng.randint(0, 9999):04d}", f"{rng.randint(0, 9999):04d}"
        text = rng.choice(shapes).format(a=a, b=b, c=c)
        identity.normalise_phone.cache_clear()
        assert identity.normalise_phone(text) == slow(text), text


def test_other_numbers_still_go_to_libphonenumber():
    for text in ["021-6234 5678", "+1 650 253 0000", "010 8888 9999", "12345", "138 1234 567",
                 "+44 20 7946 0958", "400-800-8888"]:
        identity.normalise_phone.cache_clear()
        assert identity.normalise_phone(text) == slow(text), text
