"""The one YAML emitter: every value any command writes goes through here.

``grade --write``, ``new``, ``log``, ``reassign``, ``archive``, ``recycle``, ``import``
(customer files and mapping files) and ``samples`` write YAML text only through these
functions, so there is one answer to "how is this value written so that both readers
(:func:`followup.store.yaml12.load_fast` and :func:`~followup.store.yaml12.load_roundtrip`)
read it back as itself":

* a text is written **plain** only when that is plainly itself: no indicator, no
  ``:``/``#``/``,``/brackets anywhere (so the same text is safe in block *and* flow
  context), no leading or trailing space, only printable characters that are not line
  breaks, and :func:`~followup.store.yaml12.reads_as_itself` (not a number, date, boolean,
  null or an impossible date);
* anything else is **double-quoted** on one line, with ``\\``, ``"`` and every character
  YAML does not allow raw or reads as a line break (control characters, tab, DEL, C1,
  NEL U+0085, LS U+2028, PS U+2029, BOM, non-characters) escaped: a note with a newline
  stays one line in the file and reads back with its newline;
* numbers, dates, booleans and null in their YAML 1.2 core form (``.inf``, ``.nan``);
* a text that is not valid Unicode (a lone surrogate: bytes that were not UTF-8 in a
  command-line argument) cannot be written at all: :class:`NotWritable`.

Examples::

    >>> [scalar(v) for v in ("张伟", "13812345678", "a: b", "null", "两行\\n文字")]
    ['张伟', '"13812345678"', '"a: b"', '"null"', '"两行\\\\n文字"']
    >>> flow({"date": dt.date(2026, 11, 22), "note": "约了周五"})
    '{date: 2026-11-22, note: 约了周五}'

The property test ``tests/test_emit.py`` reads every kind of value back through both
readers, in block, flow and block-item position.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from followup.store import yaml12


class NotWritable(ValueError):
    """A value that has no YAML text (a lone surrogate, an unsupported type); ``zh`` in Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.zh = zh


class Quoted(str):
    """A text always written double-quoted (phone numbers: ``"138 1234 5678"``), even where
    plain would read back the same: a phone should look like a string to whoever edits it."""


# Plain is refused for anything that needs thought in *some* context: a leading
# indicator, any flow indicator or `:`/`#`, surrounding space, and any character outside
# YAML's printable set or that is a line break / tab / BOM; and ``<<``, a merge key.
_NOT_PLAIN = re.compile(
    r"""^[-?:,\[\]{}#&*!|>'"%@`\s]|^<<$|[:#,\[\]{}\\"]|\s$"""
    "|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
# Characters escaped inside double quotes: `\`, `"` and everything not printable or a break.
_ESCAPE = re.compile("[\\\\\"]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                     "|[\u2028\u2029\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
          "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _escape(match: re.Match) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar."""
    if _SURROGATE.search(text):
        raise NotWritable(f"not valid Unicode text (bytes that are not UTF-8?): {text!r}",
                          f"不是有效的 Unicode 文字(参数里有非 UTF-8 的字节?):{text!r}")
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def plain_ok(text: str) -> bool:
    """Whether ``text`` may be written plain, in block and in flow context alike."""
    return bool(text) and not _NOT_PLAIN.search(text) and yaml12.reads_as_itself(text)


def scalar(value, style: str | None = None) -> str:
    """One scalar. ``style`` is the quote style the value had in the file (``'"'`` or ``"'"``):
    a quoted value stays quoted when it is replaced."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if yaml12.resolve_plain(text) == value else quoted(text)
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise NotWritable(f"no YAML text for a {type(value).__name__}: {value!r}",
                          f"{type(value).__name__} 类型的值无法写成 YAML:{value!r}")
    if isinstance(value, Quoted) or style in ('"', "'") or not plain_ok(value):
        return quoted(str(value))
    return value


def flow(value) -> str:
    """A scalar, or a flow list / mapping of values, on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def item(value: dict, indent: str = "  ", newline: str = "\n", block: bool = False) -> str:
    """One list item: ``- {a: 1, b: 2}`` (flow), or with ``block`` one key a line::

        - a: 1
          b: 2
    """
    if not block or not isinstance(value, dict) or not value:
        return f"{indent}- {flow(value)}{newline}"
    lines = []
    for i, (k, v) in enumerate(value.items()):
        lead = f"{indent}- " if i == 0 else f"{indent}  "
        lines.append(f"{lead}{scalar(str(k))}: {flow(v)}{newline}")
    return "".join(lines)


def mapping(data: dict, indent: str = "", newline: str = "\n", block_items: bool = False) -> str:
    """A block mapping, one key a line: scalars after the key, a nested mapping indented below
    it, a list of scalars as one flow list, a list of mappings one item a line (flow items,
    or block items with ``block_items``)."""
    out = []
    for key, value in data.items():
        head = f"{indent}{scalar(str(key))}:"
        if isinstance(value, dict) and value:
            out.append(head + newline + mapping(value, indent + "  ", newline, block_items))
        elif isinstance(value, (list, tuple)) and value and any(isinstance(v, dict) for v in value):
            out.append(head + newline + "".join(item(v, indent + "  ", newline, block_items)
                                                for v in value))
        else:
            out.append(f"{head} {flow(value)}{newline}")
    return "".join(out)


def document(data: dict, body: str = "", comment: str = "", newline: str = "\n",
             block_items: bool = False) -> str:
    """The text of a new Markdown file with ``data`` as its front matter."""
    head = f"---{newline}" + "".join(f"# {line}{newline}" for line in comment.splitlines())
    return head + mapping(data, "", newline, block_items) + f"---{newline}" + body
