"""Cell values as Chinese spreadsheets hold them, turned into record values.

Dates come as ``datetime`` cells, as Excel serial numbers (a date column that lost
its format), or as text in any of the common spellings::

    >>> {cell_date(v) for v in (46329, "2026/11/3", "2026-11-03", "2026年11月3日", "2026.11.3")}
    {datetime.date(2026, 11, 3)}

A free-text follow-up column is cut at every date it mentions; each piece becomes
a dated follow-up, and text before the first date stays a note::

    >>> entries, head = split_followups("老客户。2026/10/12 电话沟通,要报价;2026年10月20日 到访")
    >>> entries, head
    ([(datetime.date(2026, 10, 12), '电话沟通,要报价'), (datetime.date(2026, 10, 20), '到访')], '老客户。')
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
SERIAL_RANGE = (18_264, 73_051)  # 1950-01-01 .. 2099-12-31: a number outside is not a date

_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})"
    r"(?:\s*[日号])?(?!\d)")
_COMPACT = re.compile(r"^(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)$")
_TIME = re.compile(r"^\s*(?:\d{1,2}[:时]\d{2}(?::\d{2})?(?:分)?|上午|下午|晚上)\s*")
_SEPARATORS = " \t\r\n;;,,。、|/-—:"
_WIDE = str.maketrans("０１２３４５６７８９／－．：", "0123456789/-.:")  # length-preserving


def text_of(value) -> str:
    """The text a person sees in a cell. Integral floats lose their ``.0`` (phones, ids)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def from_serial(number) -> dt.date | None:
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def text_date(text: str) -> dt.date | None:
    """A date written as text; ``None`` if the text is not exactly one date (a time may follow)."""
    text = text.translate(_WIDE).strip()
    m = _DATE.match(text)
    if m and not _TIME.sub("", text[m.end():]).strip():
        return _make(m)
    m = _COMPACT.match(text)
    if m:
        return _make(m)
    if text.isdigit() and len(text) == 5:
        return from_serial(int(text))
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _make(m) -> dt.date | None:
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def cell_date(value) -> dt.date | None:
    """A date from a cell of any kind, or ``None`` when it holds no date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_serial(value)
    if isinstance(value, str):
        return text_date(value)
    return None


_WAN = re.compile(r"^(?P<n>[-+]?\d+(?:\.\d+)?)\s*(?P<unit>万|千|k|K|w|W)?\s*(?:元|块|rmb|RMB|CNY)?$")


def cell_number(value) -> float | int | None:
    """A number from a cell: ``120000``, ``"12万"``, ``"¥1,200"``, ``"3.5万元"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = text.lstrip("¥$").replace(",", "").replace(" ", "")
        m = _WAN.match(text)
        if not m:
            return None
        number = float(m["n"]) * {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1_000, "k": 1_000,
                                  "K": 1_000}.get(m["unit"] or "", 1)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


_PHONE_SPLIT = re.compile(r"\s*[/,;,;、|]\s*|\s{2,}")


def cell_phones(value) -> list[str]:
    """Phone numbers in a cell: several may share one cell (``138… / 0571-…``)."""
    text = text_of(value)
    if not text:
        return []
    parts = [p.strip() for p in _PHONE_SPLIT.split(text) if p.strip()]
    return parts if all(sum(ch.isdigit() for ch in p) >= 7 for p in parts) else [text]


def rounded_number(value) -> bool:
    """A number cell that was once ``1.39E+10`` text: a sheet that reopened a CSV saved
    "as shown" reads 13900000000, a valid-looking number with its last digits gone.
    Three significant digits and at least seven zeros is no one's phone number.

    >>> rounded_number(13900000000), rounded_number(13912345678), rounded_number("13900000000")
    (True, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not value.is_integer():
        return False
    digits = str(int(value))
    return len(digits) >= 10 and len(digits.rstrip("0")) <= 3


def is_masked(text: str) -> bool:
    """A value someone masked before sharing the sheet (``138****5678``, ``z***@x.com``)."""
    return "*" in text or "●" in text


def split_followups(text: str) -> tuple[list[tuple[dt.date, str]], str]:
    """``([(date, note), …], text before the first date)`` from a free-text follow-up cell."""
    text = text_of(text)
    matches = list(_DATE.finditer(text.translate(_WIDE)))
    if not matches:
        return [], text.strip()
    found = []
    head = text[: matches[0].start()].strip()
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        note = _TIME.sub("", text[m.end():end]).strip(_SEPARATORS)
        day = _make(m)
        if day is None:  # 2026/2/30: keep the words, dated or not
            head = (head + " " + text[m.start():end].strip()).strip()
            continue
        found.append((day, note))
    return found, head


def normalise_header(text) -> str:
    """Header text for matching: full-width to half-width, lower case, no spaces or marks."""
    text = unicodedata.normalize("NFKC", text_of(text)).lower()
    return re.sub(r"[\s_\-()()\[\]【】:::*/.#]+", "", text)


def normalise_name(text: str) -> str:
    """A person's name for spotting namesakes: width, case and spaces ignored.
    (Companies are compared by :func:`followup.engine.identity.normalise_company`.)

    >>> normalise_name(" 张 伟 ") == normalise_name("张伟")
    True
    """
    return re.sub(r"[\s·.]+", "", unicodedata.normalize("NFKC", str(text)).lower())
