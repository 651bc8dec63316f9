"""Is this the same customer? One answer for ``check``, ``new`` and ``import``.

A customer's identities are its phones, e-mails, WeChat ids and company name, each
in a comparable form (:func:`identities`); two records sharing one collide
(:func:`collisions`). Whether a collision is a duplicate file (same salesperson) or
撞单 (two salespeople) is for the checks and the ownership policy to say.

Strong and weak identities (docs/teamwork.md): a valid phone number, an e-mail
address, a WeChat id and a customer id name one customer (:data:`STRONG`); a company
name does not on its own -- a sheet's "company" column is typed by hand, and the
import merges rows only on a strong identity.

Phones are parsed and validated with Google's libphonenumber port (``phonenumbers``,
region CN unless the number says ``+…``) and compared in E.164 form, so
``138 1234 5678``, ``+86 138-1234-5678`` and ``8613812345678`` are one number. An
extension (``转 1``, ``分机 1``, ``ext. 1``, ``#1``) is kept and shown but is not part of
the identity: two extensions of one switchboard are the same company line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

STRONG = frozenset({"id", "phone", "email", "wechat"})
REGION = "CN"

# --- phones ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    """A parsed phone field. ``number`` is E.164 (``+8613812345678``) when ``valid``."""

    raw: str
    number: str = ""
    extension: str = ""
    valid: bool = False
    damage: str = ""  # why not valid: scientific | date | short | long | letters | invalid


# The extension words Chinese and English phone fields use, before the extension digits.
_EXTENSION = re.compile(r"\s*(?:转|分机|分機|ext\.?|extension|x|#|,)\s*(\d{1,6})\s*$", re.I)
# "1.39E+10": a spreadsheet showed the number in scientific notation and saved what it showed
_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$")
_DATE = re.compile(r"^(?:19|20)[0-9]{2}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?$")
_NOTE = re.compile(r"[((][^))0-9]*[))]")  # (微信同号), (办公室): words in brackets, no digits
# 0571-88881234-8: a landline with its area code (0 and 9-11 digits), then the extension
_HYPHEN_EXTENSION = re.compile(r"^(\(?0[0-9]{2,3}\)?[\s-]?[0-9]{7,8})\s*-\s*([0-9]{1,5})$")
_PHONE_CHARS = re.compile(r"^[0-9+()\-\s./]+$")
# The assigned Chinese mobile blocks as libphonenumber has them (its 11-digit part): a
# number in them, with or without +86, spaces or hyphens, is valid and gives the same
# E.164 text as libphonenumber at 1/100 of the cost (tests/test_cache_hotspots.py proves
# it on generated numbers); anything else goes to phonenumbers.
_CN_MOBILE = re.compile(r"(?:\+86[ -]?)?(1(?:[38][0-9]|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8]))"
                        r"[ -]?([0-9]{4})[ -]?([0-9]{4})")


@functools.lru_cache(maxsize=200_000)
def parse_phone(raw: str, region: str = REGION) -> Phone:
    """The phone in a field, validated. Never raises.

    >>> parse_phone("184 7530 9655 转 1")
    Phone(raw='184 7530 9655 转 1', number='+8618475309655', extension='1', valid=True, damage='')
    >>> parse_phone("1.39E+10").damage, parse_phone("12345").damage
    ('scientific', 'short')
    """
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if region == "CN":
        mobile = _CN_MOBILE.fullmatch(text)
        if mobile:
            return Phone(str(raw), "+86" + "".join(mobile.groups()), "", True)
    if _SCIENTIFIC.match(text):
        return Phone(str(raw), damage="scientific")
    text = _NOTE.sub("", text).strip()
    extension = ""
    found = _EXTENSION.search(text)
    if found and sum(ch.isdigit() for ch in text[: found.start()]) >= 7:
        text, extension = text[: found.start()], found.group(1)
    if not text or not _PHONE_CHARS.match(text):
        return Phone(str(raw), extension=extension, damage="letters")
    import phonenumbers

    if _DATE.match(text):
        return Phone(str(raw), extension=extension, damage="date")
    try:
        number = phonenumbers.parse(text, region)
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        switchboard = _HYPHEN_EXTENSION.match(text)
        if switchboard and not extension:  # 0571-88881234-8: switchboard, then extension
            board = parse_phone(switchboard.group(1), region)
            if board.valid and not board.extension:
                return Phone(str(raw), board.number, switchboard.group(2), True)
        return Phone(str(raw), extension=extension, damage=_damage(text))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(str(raw), e164, extension or (number.extension or ""), True)


def _damage(text: str) -> str:
    """Why a number is not valid, in words a person can act on: a mobile number (it starts
    with 1) with fewer or more than 11 digits lost or gained some."""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7:
        return "short"
    if text.startswith("1") and digits != 11:
        return "short" if digits < 11 else "long"
    return "invalid"


def normalise_phone(raw: str, region: str = REGION) -> str:
    """E.164 text of a valid phone number, ``""`` for anything else (not an identity)."""
    return parse_phone(str(raw), region).number


# --- e-mails and WeChat ids -------------------------------------------------------------------

# local@domain.tld: no spaces, one @, a dot-separated domain whose last label has letters.
# Deliberately simple (the addresses salespeople type); full RFC 5322 would accept typos.
_EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}$")


def normalise_email(raw: str) -> str:
    """The comparable form of an e-mail: NFKC (full-width ``＠`` → ``@``), trimmed, lower case.

    >>> normalise_email(" ZW＠X.example ")
    'zw@x.example'
    """
    return unicodedata.normalize("NFKC", str(raw)).strip().lower()


def valid_email(raw: str) -> bool:
    """Whether an e-mail address is well formed.

    >>> [valid_email(e) for e in ("wq@hengtong.example", "ding#example", "a@b", "a b@c.cn")]
    [True, False, False, False]
    """
    text = normalise_email(raw)
    return bool(_EMAIL.match(text)) and ".." not in text and not text.startswith(".")


def normalise_wechat(raw: str) -> str:
    """WeChat ids ignore case; a WeChat field holding a phone number is that number."""
    return unicodedata.normalize("NFKC", str(raw)).strip().lower()


def wechat_phone(raw: str) -> str:
    """The E.164 number a ``wechat`` field holds, if it is a phone number (a WeChat id starts
    with a letter, so digits there are the phone the account was found by)."""
    text = normalise_wechat(raw)
    if not text or not _PHONE_CHARS.match(text):
        return ""
    return parse_phone(text).number


# --- company names ----------------------------------------------------------------------------

_COMPANY = re.compile(r"(公司|集团|厂|店|工作室|事务所|中心|医院|学校|银行|co\.?|ltd\.?|inc\.?|corp\.?|llc|gmbh)",  # noqa: E501
                      re.I)
# The legal form at the end of a name, and the form it stands for. 有限公司 and 有限责任公司
# are one legal form (the Company Law allows the short name), and a bare 公司 is how people
# shorten it; 股份有限公司 is another kind of company, and so are the Latin forms below.
_FORMS = (("股份有限公司", "股份"), ("股份公司", "股份"), ("有限责任公司", ""), ("有限公司", ""),
          ("公司", ""))
_LATIN_FORMS = re.compile(r"(?:^|[\s,.])(?:"
                          r"(?P<ltd>co\.?,?\s*ltd|company\s+limited|ltd|limited|llc|co|company)"
                          r"|(?P<inc>inc|incorporated|corp|corporation)|(?P<gmbh>gmbh)|(?P<plc>plc))"
                          r"[\s,.]*$")
_BRACKETED = re.compile(r"[((\[【].*?[))\]】]")
_NOT_WORD = re.compile(r"[\s\W_]+")


def normalise_company(name: str) -> str:
    """A company's comparable name, ``""`` for a name that is not a company's.

    Noise: width, case, spaces, punctuation, bracketed notes ``(浦东)``, and 有限公司 /
    有限责任公司 / 公司 / Ltd (one legal form). Identity: every other word, a city or
    中国 prefix and 集团 included, and any other legal form (股份有限公司, Inc, GmbH),
    kept as ``(form)``.

    >>> normalise_company("上海 星河科技有限公司(浦东)")
    '上海星河科技'
    >>> normalise_company("上海星河科技股份有限公司")
    '上海星河科技(股份)'
    >>> normalise_company("Acme Co., Ltd.") == normalise_company("ACME Ltd")
    True
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    if not text or not _COMPANY.search(text):
        return ""
    text = _BRACKETED.sub("", text).strip(" .,")
    form = ""
    for suffix, kind in _FORMS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text, form = text[: -len(suffix)], kind
            break
    else:
        latin = _LATIN_FORMS.search(text)
        if latin and latin.start() > 0:
            text, form = text[: latin.start()], "" if latin["ltd"] else latin.lastgroup
    base = _NOT_WORD.sub("", text)
    if not base:
        return ""
    return f"{base}({form})" if form else base  # brackets are gone from base: no clash


# --- a record's identities ----------------------------------------------------------------------


def identities(customer) -> list[tuple[str, str, tuple]]:
    """``(kind, comparable value, key path)`` for each valid phone, e-mail, WeChat id and the
    company name of a customer. A phone written in the ``wechat`` field is a phone; invalid
    phones and e-mails are no identity (``check`` reports them, FU112/FU113)."""
    found = []
    company = normalise_company(customer.name)
    if company:
        found.append(("company", company, ("name",)))
    for i, contact in enumerate(customer.contacts):
        for kind in ("phone", "email", "wechat"):
            value = contact.get(kind)
            if not value or not isinstance(value, (str, int)) or isinstance(value, bool):
                continue
            path = ("contacts", i, kind)
            if kind == "phone":
                key = normalise_phone(str(value))
            elif kind == "email":
                key = normalise_email(value) if valid_email(str(value)) else ""
            else:
                phone = wechat_phone(str(value))
                kind, key = ("phone", phone) if phone else ("wechat", normalise_wechat(value))
            if key:
                found.append((kind, key, path))
    return found


def contact_problems(contact: dict) -> list[tuple[str, str, dict]]:
    """``(key, code, params)`` for an invalid phone (FU112) or e-mail (FU113) of one contact."""
    out = []
    phone = contact.get("phone")
    if isinstance(phone, str) and phone.strip():
        parsed = parse_phone(phone)
        if not parsed.valid:
            out.append(("phone", "FU112", {"value": phone, "damage": parsed.damage}))
    email = contact.get("email")
    if isinstance(email, str) and email.strip() and not valid_email(email):
        out.append(("email", "FU113", {"value": email}))
    return out


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
