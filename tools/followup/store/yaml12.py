"""Two YAML readers that agree: a fast one for checking, a round-trip one for writing.

Both give YAML 1.2 meaning, exactly as ruamel.yaml's round-trip loader does
(ruamel writes our files, so its reading is the reference):

    yes, no, on, off, NaN   -> strings      (YAML 1.1 would make booleans)
    12:30                   -> string       (YAML 1.1 would make 750)
    010, 0777               -> 10, 777      (decimal; octal needs 0o)
    1e3, 1_000              -> 1000.0, 1000
    2026-11-02              -> date;  2026-02-30 -> an error, not a string

The fast reader uses libyaml's C parser through PyYAML's ``CBaseLoader`` (no
implicit typing at all) and types plain scalars itself with ruamel's own 1.2
patterns. ``tests/test_yaml_agreement.py`` generates many documents and proves
the two readers produce equal data or fail with the same error code.

Both readers are safe: no tags but ``!!str``/``!!map``/``!!seq``, no merge keys,
duplicate keys rejected, and alias expansion bounded (a "billion laughs"
document is refused before anything walks it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml is part of PyYAML's wheels; the pure parser is a slow fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml.composer import Composer as _Composer
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner
else:
    _Reader = _Scanner = _Composer = None

MAX_EXPANDED_NODES = 100_000
# Collections inside collections, the top-level mapping counting as one: deeper is an error
# (FU005) in both readers, before anything recursive walks it. The simple readers decline
# flow collections nested deeper than MAX_FLOW_DEPTH: theirs sit at most three levels down
# (top mapping, block sequence, item mapping), so what they read is never beyond MAX_DEPTH.
MAX_DEPTH = 32
MAX_FLOW_DEPTH = MAX_DEPTH - 4

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
PLAIN = "!followup/plain"  # marker: plain scalar awaiting implicit typing

# ruamel.yaml's YAML 1.2 implicit resolvers, in ruamel's order (first match wins).
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_TS_PARTS = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)(?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)


@dataclass
class YamlError(Exception):
    """A document that cannot be read. ``line``/``col`` are 1-based within the YAML text."""

    code: str
    line: int
    col: int
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.code} at {self.line}:{self.col}: {self.detail}"


# --- plain scalar typing (shared by both readers' checks) -------------------------


def resolve_plain(text: str):
    """Type a plain (unquoted) scalar the way ruamel.yaml does in YAML 1.2 mode.

    >>> resolve_plain("yes"), resolve_plain("010"), resolve_plain("2026-11-02")
    ('yes', 10, datetime.date(2026, 11, 2))
    """
    first = text[:1]
    if first in ("t", "T", "f", "F") and _BOOL.match(text):
        return text[0] in "tT"
    if first in "-+0123456789." and first and _FLOAT.match(text):
        return _to_float(text)
    if first in "-+0123456789" and first and _INT.match(text):
        return _to_int(text)
    if first in ("~", "n", "N", "") and _NULL.match(text):
        return None
    if first in "0123456789" and first and _TIMESTAMP.match(text):
        return _to_timestamp(text)
    return text


def reads_as_itself(text: str) -> bool:
    """Whether ``text`` written plain reads back as this very text: not a number, date,
    boolean or null -- nor an impossible date such as ``2026-02-30``, which a reader
    refuses (FU012). What the writers ask before leaving a value unquoted."""
    try:
        return resolve_plain(text) == text
    except (ValueError, OverflowError):
        return False


def _to_float(text: str) -> float:
    body = text.replace("_", "")
    lowered = body.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(body)


def _to_int(text: str) -> int:
    body = text.replace("_", "")
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if body.startswith("0b"):
        return sign * int(body[2:], 2)
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    return sign * int(body, 10)


def _to_timestamp(text: str):
    m = _TS_PARTS.match(text)
    if m is None:  # pragma: no cover - _TIMESTAMP and _TS_PARTS accept the same text
        raise ValueError(text)
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if m["hour"] is None:
        return dt.date(year, month, day)
    digits = m["fraction"] or ""
    micro = int(digits[:6].ljust(6, "0"))
    # ruamel rounds on the seventh digit and, should that carry past 999999, keeps 0: its
    # reading is the reference, so a 7-digit fraction reads the same in both readers.
    if len(digits) > 6 and digits[6] > "4":
        micro = micro + 1 if micro < 999_999 else 0
    # ruamel keeps the wall-clock time of a zoned timestamp and drops the offset; so do we.
    return dt.datetime(year, month, day, int(m["hour"]), int(m["minute"]), int(m["second"]),
                       micro)


# --- fast reader: libyaml parser, our typing ---------------------------------------


class _Resolver(yaml.resolver.BaseResolver):
    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                return PLAIN
            if implicit[1]:
                return STR
        return super().resolve(kind, value, implicit)


if _Reader is None:

    class _Loader(_Parser, yaml.constructor.BaseConstructor, _Resolver):  # type: ignore[misc]
        def __init__(self, stream):
            _Parser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover

    class _Loader(_Reader, _Scanner, _Parser, _Composer, yaml.constructor.BaseConstructor,  # type: ignore[no-redef]
                  _Resolver):
        def __init__(self, stream):
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _Parser.__init__(self)
            _Composer.__init__(self)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)


def compose(text: str):
    """Parse ``text`` into PyYAML nodes (with marks) or raise :class:`YamlError`."""
    bad = _SURROGATE.search(text)
    if bad is not None:  # text decoded with surrogateescape: bytes that are not UTF-8
        offset = bad.start()
        line = text.count("\n", 0, offset) + 1
        raise YamlError("FU005", line, offset - (text.rfind("\n", 0, offset) + 1) + 1,
                        "bytes that are not UTF-8 text")
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the pure reader rejects control characters up front
        raise YamlError("FU005", *_reader_position(text, exc), str(exc).split("\n")[0]) from None
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        code = "FU006" if "\t" in (exc.problem or "") or _tab_at(text, mark) else "FU005"
        raise YamlError(code, line, col, _describe(exc)) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        raise YamlError("FU005", *_reader_position(text, exc), str(exc).split("\n")[0]) from None
    finally:
        loader.dispose()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _reader_position(text: str, exc) -> tuple[int, int]:
    offset = getattr(exc, "position", 0) or 0
    if _Reader is None:  # libyaml counts UTF-8 bytes, not characters
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _tab_at(text: str, mark) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    if mark.line >= len(lines):
        return False
    return "\t" in lines[mark.line][: mark.column + 1]


def _describe(exc: yaml.MarkedYAMLError) -> str:
    return " ".join(part for part in (exc.context, exc.problem) if part)


def load_fast(text: str):
    """Read one YAML document into plain Python data (dict/list/str/int/float/bool/None/date).

    Most customer files are in the simple shape our own tools write; those are read
    by :func:`load_simple` (about 10x faster than building libyaml nodes). Anything
    else, and every error, goes through libyaml, so codes and positions never differ.
    """
    data = load_simple(text)
    if data is not _NOT_SIMPLE:
        return data
    data = load_libyaml(text)
    if _RISKY_CHARS.search(text) or _RISKY.search(_COMMENT_LINES.sub("", text)):
        data = _load_ruamel(text)[0]  # where libyaml and ruamel may differ, ruamel decides
    return data


# What libyaml and ruamel are known to read differently (issue 13 and the YAML test suite,
# tests/test_yaml_suite.py): tabs, line breaks other than LF and CR, control characters;
# anchors, aliases, tags and reserved indicators where a token starts; a comment right after
# a block scalar's header or where a key's value should follow; lines of spaces alone (in
# block and multi-line scalars); a value right after a quoted key's colon (`"a":b`); document
# markers. A document with any of them (the patterns: outside its comment lines) is also read
# by ruamel -- which writes our files, so its reading (or refusal) is the one that counts: a
# file `check` accepts is then always one `grade --write` and `log` can rewrite.
_RISKY_CHARS = re.compile(  # anywhere: libyaml takes NEL for a line break even in a comment
    "[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_RISKY = re.compile(  # outside comment lines
    r"(?:^|[ \[{,])[&*!%@`]"  # anchor, alias, tag, directive, reserved
    r"|:[ ]+#|[|>][-+0-9]*[ ]*#"  # a comment after a key's colon, after a block header
    r"|^[ ]+\r?$"  # a line of spaces alone
    r"|['\"][ ]*:[^ \r\n]"  # "a":b
    r"|^(?:---|\.\.\.)(?=[ \r\n]|$)",  # document markers (several documents, or none)
    re.M)
_COMMENT_LINES = re.compile(r"^[ ]*#.*$", re.M)
_TOKEN_AT = re.compile(r"line: (\d+), col: (\d+)")


def load_libyaml(text: str):
    """The exact reader: libyaml's parser and our YAML 1.2 typing."""
    node = compose(text)
    if node is None:
        return None
    return _Converter().convert(node)


# --- the simple-shape reader ---------------------------------------------------------
#
# A strict recogniser for the YAML our files are made of, line by line:
#
#     key: scalar  # comment        top-level keys at column 0
#     key: {k: v, k: [a, b]}        flow collections on one line
#     key:                          a block sequence (at indent 0 or more) whose items are
#       - scalar | {flow} | k: v    scalars, flow collections or one-level block mappings
#         k: v
#     key:                          or a one-level block mapping
#       k: v
#
# Scalars are plain (no ``: # , [ ] { }``, no tabs, no indicator first), or quoted
# without escapes. Anything outside this shape -- anchors, tags, block scalars,
# multi-line scalars, duplicate keys, odd keys, control characters, impossible
# dates -- returns ``_NOT_SIMPLE`` and the caller uses libyaml. Inside the shape
# YAML has exactly one reading, so the two readers agree by construction, and
# ``tests/test_cache_simple_reader.py`` checks it on generated documents.

_NOT_SIMPLE = object()


class _NotSimple(Exception):
    pass


_UNSAFE_TEXT = re.compile("[\t\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
# Python's \s, spelled out: a class of ranges is several times faster than the Unicode
# category test \s compiles to, and these patterns run over every note.
_WHITE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SAFE = rf"[^{_WHITE},\[\]{{}}#:]"
_PLAIN = rf"(?:[^{_WHITE},\[\]{{}}#:?&*!|>'\"%@`\-]|-(?={_SAFE})){_SAFE}*(?:[ ]+{_SAFE}+)*"
_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_KEY_SHAPE = re.compile(_KEY)
_TOP = re.compile(rf"({_KEY}):(?:[ ]+(.*))?$")
_ITEM = re.compile(r"( *)- (.*)$")
_INNER = re.compile(rf"( *)({_KEY}):(?:[ ]+(.*))?$")
_SCALAR = re.compile(rf"(?:\"([^\"\\]*)\"|'([^']*)'|({_PLAIN}))(?:[ ]+#.*|[ ]*)$")
_COMMENT_ONLY = re.compile(r"[ ]*(?:#.*)?$")
_FLOW_TOKEN = re.compile(rf"[ ]*(?:([{{}}\[\],])|(:)(?=[ ])|\"([^\"\\]*)\"|'([^']*)'|({_PLAIN}))")
_FLOW_END = re.compile(r"(?:[ ]+#.*|[ ]*)$")
_PAIR = rf"({_KEY}):[ ]+(?:\"([^\"\\]*)\"|'([^']*)'|({_PLAIN}))"
_PAIR_SHAPE = rf"{_KEY}:[ ]+(?:\"[^\"\\]*\"|'[^']*'|{_PLAIN})"
_FLAT_MAP = re.compile(rf"\{{[ ]*{_PAIR_SHAPE}(?:[ ]*,[ ]*{_PAIR_SHAPE})*[ ]*\}}(?:[ ]+#.*|[ ]*)$")
_PAIRS = re.compile(_PAIR)


def load_simple(text: str):
    """Read ``text`` if it has the simple shape, else return ``_NOT_SIMPLE``.

    The compiled reader (``_simple.c``, built at install when a C compiler is there)
    reads the same shape with the same rules about ten times faster; where it is not sure
    it declines, and the Python reader below decides.
    """
    if _compiled is not None:
        data = _compiled.load(text)
        if data is not None:
            return data
    return load_simple_python(text)


def load_simple_python(text: str):
    """:func:`load_simple` in Python alone: the definition the compiled reader follows."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return _NOT_SIMPLE
    if _UNSAFE_TEXT.search(text):
        return _NOT_SIMPLE
    # drop blank and comment-only lines (what _COMMENT_ONLY matches, without a regex a line)
    lines = [line for line in text.split("\n") if line.lstrip(" ")[:1] not in "#"]
    try:
        data = _simple_document(lines)
    except (_NotSimple, ValueError, OverflowError, IndexError):
        return _NOT_SIMPLE
    return data


def _simple_document(lines: list[str]) -> dict:
    if not lines:
        raise _NotSimple
    data: dict = {}
    i, n = 0, len(lines)
    while i < n:
        m = _TOP.match(lines[i])
        if m is None:
            raise _NotSimple
        key, rest = _simple_key(m[1], data), m[2] or None
        i += 1
        if rest is not None and not rest.startswith("#"):
            data[key] = _simple_inline(rest)
            continue
        if (i < n and lines[i].startswith(" ")) or (i < n and lines[i].startswith("- ")):
            indent = len(lines[i]) - len(lines[i].lstrip(" "))
            if lines[i][indent:].startswith("- "):
                data[key], i = _simple_sequence(lines, i, indent)
            elif indent > 0:
                data[key], i = _simple_mapping(lines, i, indent, None)
            else:  # pragma: no cover - a column-0 line that is not "- " is a key
                raise _NotSimple
        else:
            data[key] = None
    return data


def _simple_key(text: str, into: dict):
    if text in into or (text not in _SIMPLE_KEYS and not _simple_key_ok(text)):
        raise _NotSimple  # odd keys and duplicates: libyaml says exactly what is wrong
    return text


_SIMPLE_KEYS: set[str] = set()


def _simple_key_ok(text: str) -> bool:
    """A key of the ``_KEY`` shape that reads as itself (not ``true``, ``null``, ``<<``)."""
    if not _KEY_SHAPE.fullmatch(text) or resolve_plain(text) != text:
        return False
    if len(_SIMPLE_KEYS) < 10_000:
        _SIMPLE_KEYS.add(text)
    return True


_PLAIN_MEMO: dict[str, object] = {}


def _plain_cached(text: str):
    """``resolve_plain`` with a memo: dates, owners and channels repeat in every file.
    Safe to share: every result is immutable (str, int, float, bool, None, date)."""
    try:
        return _PLAIN_MEMO[text]
    except KeyError:
        value = resolve_plain(text)
        if len(text) <= 40:
            if len(_PLAIN_MEMO) > 100_000:
                _PLAIN_MEMO.clear()
            _PLAIN_MEMO[text] = value
        return value


def _simple_sequence(lines: list[str], i: int, indent: int) -> tuple[list, int]:
    items: list = []
    n = len(lines)
    entry = " " * indent + "- {"  # a log entry at this indent: try the flat reading first
    while i < n:
        if lines[i].startswith(entry):
            mapping = _flat_plain_map(lines[i][indent + 2:])
            if mapping is not None:
                items.append(mapping)
                i += 1
                continue
        m = _ITEM.match(lines[i])
        if m is None or len(m[1]) != indent:
            if len(lines[i]) - len(lines[i].lstrip(" ")) >= indent and indent > 0:
                raise _NotSimple
            if indent == 0 and lines[i].startswith(" "):
                raise _NotSimple
            break
        rest = m[2]
        i += 1
        if rest[:1] == "{":  # the usual log entry: a flow mapping on one line
            items.append(_simple_inline(rest))
            continue
        inner = _INNER.match(rest)
        if inner is not None and not rest.startswith(("[", '"', "'")):
            if inner[1]:
                raise _NotSimple  # "-   key:": the mapping's column is not indent + 2
            item: dict = {}
            _simple_entry(inner, item)
            mapping, i = _simple_mapping(lines, i, indent + 2, item)
            items.append(mapping)
        else:
            items.append(_simple_inline(rest))
    return items, i


def _simple_mapping(lines: list[str], i: int, indent: int, into: dict | None) -> tuple[dict, int]:
    mapping: dict = {} if into is None else into
    n = len(lines)
    while i < n:
        line = lines[i]
        here = len(line) - len(line.lstrip(" "))
        if here < indent:
            break
        m = _INNER.match(line)
        if here > indent or m is None:
            raise _NotSimple
        _simple_entry(m, mapping)
        i += 1
    if indent and i < n:
        next_indent = len(lines[i]) - len(lines[i].lstrip(" "))
        if into is None and next_indent != 0:
            raise _NotSimple
    return mapping, i


def _simple_entry(m: re.Match, into: dict) -> None:
    key, rest = _simple_key(m[2], into), m[3] or None
    if rest is None or rest.startswith("#"):
        raise _NotSimple  # a nested block or an empty value: leave it to libyaml
    into[key] = _simple_inline(rest)


# The usual log entry, read fastest: ``{key: value, ...}`` whose values are all plain
# scalars without ``[ ] { } # :`` or white space other than spaces. In a flow mapping such a
# scalar cannot contain a comma, so splitting at commas is exactly YAML's reading -- and it
# spares running the general regexes over every note twice. Anything else (quotes,
# comments, nesting, odd keys, duplicates) is left to the general path below.
_FLAT_FORBIDDEN = re.compile(rf"[\[\]{{}}#{_WHITE.replace(' ', '')}]")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")


_TYPED_FIRST = frozenset("tTfF-+0123456789.~nN")  # what resolve_plain may read as non-text


_CANONICAL: dict[int, re.Pattern] = {}


def _canonical(pairs: int) -> re.Pattern:
    """``{k: v, k: v}`` with exactly ``pairs`` pairs spaced as ``followup log`` writes them:
    one C-level match gives every key and value (values cannot hold commas)."""
    pattern = _CANONICAL.get(pairs)
    if pattern is None:
        pair = rf"({_KEY}): ({_FLAT_FIRST}(?:{_FLAT_CHAR}*{_FLAT_LAST})?)"
        pattern = _CANONICAL[pairs] = re.compile(r"\{" + ", ".join([pair] * pairs) + r"\}")
    return pattern


_FLAT_CHAR = rf"[^,:\[\]{{}}#{_WHITE.replace(' ', '')}]"  # a plain scalar's, in a flow mapping
_FLAT_LAST = rf"[^ ,:\[\]{{}}#{_WHITE}]"
_FLAT_FIRST = rf"[^-?:,\[\]{{}}#&*!|>'\"%@`{_WHITE}]"


def _flat_plain_map(rest: str) -> dict | None:
    body = rest.rstrip(" ")
    if body[-1:] != "}":
        return None
    pairs = body.count(",") + 1
    m = _canonical(pairs).fullmatch(body) if pairs <= 12 else None
    if m is not None:  # every value is a plain scalar already: only keys are left to check
        found = m.groups()
        keys = found[0::2]
        if len(set(keys)) == pairs and _SIMPLE_KEYS.issuperset(keys):
            return {key: _plain_cached(value) if value[0] in _TYPED_FIRST else value
                    for key, value in zip(keys, found[1::2])}
    if _FLAT_FORBIDDEN.search(body, 1, len(body) - 1):
        return None
    mapping = {}
    for piece in body[1:-1].split(","):
        key, _, value = piece.partition(": ")
        key = key.lstrip(" ")
        value = value.strip(" ")  # empty when there was no ": "
        if (not value or value[0] in _NOT_FIRST or ":" in value or key in mapping
                or (key not in _SIMPLE_KEYS and not _simple_key_ok(key))):
            return None
        mapping[key] = _plain_cached(value) if value[0] in _TYPED_FIRST else value
    return mapping


def _simple_inline(rest: str):
    first = rest[:1]
    if first == "{":
        mapping = _flat_plain_map(rest)
        if mapping is not None:
            return mapping
    if first == "{" and _FLAT_MAP.match(rest):  # one log entry per line, with quotes
        mapping: dict = {}
        plain = _plain_cached
        for key, dq, sq, pl in _PAIRS.findall(rest):
            if key in mapping or (key not in _SIMPLE_KEYS and not _simple_key_ok(key)):
                raise _NotSimple
            # an empty match group is "" for both: only a plain scalar is never empty
            mapping[key] = plain(pl) if pl else dq if dq or not sq else sq
        return mapping
    if first in ("{", "["):
        value, end = _simple_flow(rest, 0, 0)
        if not _FLOW_END.match(rest, end):
            raise _NotSimple
        return value
    m = _SCALAR.match(rest)
    if m is None:
        raise _NotSimple
    if m[3] is not None:
        return _plain_cached(m[3])
    return m[1] if m[1] is not None else m[2]


def _load_compiled():
    """The compiled reader, given this module's typing and key checks; None without it."""
    try:
        from followup.store import _simple
    except ImportError:  # installed without a C compiler: the Python reader alone
        return None
    _simple.configure(_PLAIN_MEMO, _plain_cached, _SIMPLE_KEYS, _simple_key_ok)
    return _simple


_compiled = _load_compiled()


def _flow_token(text: str, pos: int) -> tuple[re.Match, int]:
    m = _FLOW_TOKEN.match(text, pos)
    if m is None:
        raise _NotSimple
    return m, m.end()


def _flow_value(m: re.Match, text: str, pos: int, depth: int):
    if m[1] in ("{", "["):
        return _simple_flow(text, m.start(1), depth + 1)
    if m[1] is not None or m[2] is not None:
        raise _NotSimple
    if m[5] is not None:
        return _plain_cached(m[5]), pos
    return (m[3] if m[3] is not None else m[4]), pos


def _simple_flow(text: str, pos: int, depth: int):
    """A one-line flow mapping or sequence starting at ``text[pos]``: ``(value, end)``.
    ``depth`` counts the flow collections around it; past ``MAX_FLOW_DEPTH`` it declines."""
    if depth > MAX_FLOW_DEPTH:
        raise _NotSimple
    opening = text[pos]
    pos += 1
    if opening == "{":
        result: dict | list = {}
        closing = "}"
    else:
        result = []
        closing = "]"
    m, pos = _flow_token(text, pos)
    if m[1] == closing:
        return result, pos
    while True:
        if opening == "{":
            if m[5] is None:  # quoted or structured keys: libyaml
                raise _NotSimple
            key = _simple_key(m[5], result)
            m, pos = _flow_token(text, pos)
            if m[2] is None:
                raise _NotSimple
            m, pos = _flow_token(text, pos)
            result[key], pos = _flow_value(m, text, pos, depth)
        else:
            value, pos = _flow_value(m, text, pos, depth)
            result.append(value)
        m, pos = _flow_token(text, pos)
        if m[1] == closing:
            return result, pos
        if m[1] != ",":
            raise _NotSimple
        m, pos = _flow_token(text, pos)


class _Converter:
    def __init__(self):
        self.memo: dict[int, tuple[object, int]] = {}
        self.active: set[int] = set()  # collections being converted: an alias to one is a cycle
        self.total = 0
        self.depth = 0

    def convert(self, node):
        value, _size = self._convert(node)
        return value

    def _convert(self, node):
        key = id(node)
        if key in self.memo:  # an alias: shared object, but its expansion still counts
            value, size = self.memo[key]
            self._count(size, node)
            return value, size
        if key in self.active:  # "&a [*a]": a document that contains itself never ends
            raise YamlError("FU008", *_pos(node), "recursive alias")
        if isinstance(node, ScalarNode):
            value, size = self._scalar(node), 1
            self._count(1, node)
            self.memo[key] = (value, size)
            return value, size
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlError("FU005", *_pos(node), f"nested deeper than {MAX_DEPTH} levels")
        self.active.add(key)
        if isinstance(node, SequenceNode):
            self._check_collection_tag(node, SEQ)
            value, size = [], 1
            self._count(1, node)
            for item in node.value:
                item_value, item_size = self._convert(item)
                value.append(item_value)
                size += item_size
        elif isinstance(node, MappingNode):
            self._check_collection_tag(node, MAP)
            value, size = {}, 1
            self._count(1, node)
            for key_node, value_node in node.value:
                if key_node.tag == PLAIN and key_node.value == "<<":
                    raise YamlError("FU010", *_pos(key_node), "merge keys (<<) are not supported")
                k, _ = self._convert(key_node)
                if isinstance(k, (dict, list)):
                    raise YamlError("FU005", *_pos(key_node), "a mapping key must be a scalar")
                if k in value:
                    raise YamlError("FU007", *_pos(key_node), str(k))
                v, v_size = self._convert(value_node)
                value[k] = v
                size += v_size
        else:  # pragma: no cover
            raise YamlError("FU005", *_pos(node), "unknown node")
        self.depth -= 1
        self.active.discard(key)
        self.memo[key] = (value, size)
        return value, size

    def _count(self, size: int, node) -> None:
        self.total += size
        if self.total > MAX_EXPANDED_NODES:
            raise YamlError("FU008", *_pos(node), str(MAX_EXPANDED_NODES))

    @staticmethod
    def _check_collection_tag(node, expected: str) -> None:
        if node.tag not in (expected, "!"):
            raise YamlError("FU010", *_pos(node), node.tag)

    @staticmethod
    def _scalar(node):
        if node.tag == PLAIN:
            try:
                return resolve_plain(node.value)
            except ValueError:
                raise YamlError("FU012", *_pos(node), node.value) from None
        if node.tag in (STR, "!"):
            return node.value
        raise YamlError("FU010", *_pos(node), node.tag)


def _pos(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def impossible_dates(text: str) -> list[YamlError]:
    """Every plain scalar of ``text`` that looks like a date but is none (``2026-02-30``),
    in document order: the readers stop at the first, ``check`` reports them all."""
    try:
        node = compose(text)
    except YamlError:
        return []
    found, stack, seen = [], [node], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))  # an alias is the same node again
        if isinstance(node, ScalarNode):
            if node.tag == PLAIN:
                try:
                    resolve_plain(node.value)
                except ValueError:
                    found.append(YamlError("FU012", *_pos(node), node.value))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
    return found


# --- locating a key path in a document ---------------------------------------------


def locate(text: str, key_path: tuple) -> tuple[int, int]:
    """1-based ``(line, col)`` of the value at ``key_path``; the nearest existing parent
    if the path does not exist (e.g. a missing key points at its mapping)."""
    try:
        node = compose(text)
    except YamlError as exc:
        return exc.line, exc.col
    return locate_in(node, key_path)


def locate_in(node, key_path: tuple) -> tuple[int, int]:
    if node is None:
        return 1, 1
    best = node
    for step in key_path:
        child = _child(node, step)
        if child is None:
            break
        node = best = child
    return _pos(best)


def locate_key(text: str, key_path: tuple) -> tuple[int, int] | None:
    """Position of the *key* token of the last step of ``key_path`` (for mappings)."""
    try:
        node = compose(text)
    except YamlError:
        return None
    for step in key_path[:-1]:
        node = _child(node, step)
        if node is None:
            return None
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if _scalar_text(key_node) == str(key_path[-1]):
                return _pos(key_node)
    return None


def _child(node, step):
    if isinstance(node, MappingNode):
        # an index per mapping, built on the first look-up: `check` locates every problem, and
        # a file with 60,000 unknown keys must not cost 60,000 walks over 60,000 keys
        index = getattr(node, "followup_index", None)
        if index is None:
            index = node.followup_index = {}
            for key_node, value_node in node.value:
                text = _scalar_text(key_node)
                if text is not None:
                    index.setdefault(text, value_node)  # the first, as a walk would find
        return index.get(str(step))
    elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def _scalar_text(node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def top_level_spans(text: str) -> dict[str, tuple[int, int, ScalarNode | None]]:
    """For a block mapping document: key -> (value start index, value end index, node).

    Used by the writer to replace one value in place without touching anything else.
    """
    node = compose(text)
    spans: dict[str, tuple[int, int, ScalarNode | None]] = {}
    if not isinstance(node, MappingNode):
        return spans
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            spans[key_node.value] = (value_node.start_mark.index, value_node.end_mark.index,
                                     value_node if isinstance(value_node, ScalarNode) else None)
    return spans


# --- round-trip reader: ruamel.yaml -------------------------------------------------


def roundtrip_yaml():
    """A configured ruamel.yaml round-trip instance (YAML 1.2, keeps comments and quotes)."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.allow_duplicate_keys = False
    rt.width = 4096  # never re-wrap long Chinese notes
    return rt


def load_roundtrip(text: str):
    """Read with ruamel.yaml's round-trip loader; return ``(plain data, ruamel tree)``.

    The document is first screened by the fast reader's composer for alias bombs
    and forbidden tags, so ruamel never walks a hostile document.
    """
    load_fast(text)  # raises YamlError for anything we refuse, identically for both paths
    return _load_ruamel(text)


def _load_ruamel(text: str):
    """ruamel's reading, every failure of it a :class:`YamlError` (never a traceback).

    Only for documents the libyaml path has screened: no alias bombs, nothing nested
    deeper than ``MAX_DEPTH`` (ruamel recurses), no impossible dates."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        tree = roundtrip_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(exc.problem or exc.context or "")
        code = "FU006" if "\t" in problem or _tab_at(text, mark) else "FU005"
        raise YamlError(code, line, col, problem) from None
    except ValueError as exc:  # pragma: no cover - impossible dates are screened before
        raise YamlError("FU012", 1, 1, str(exc)) from None
    except Exception as exc:  # ruamel's own gaps ("overlap in comment", ...)
        offset = getattr(exc, "position", None) or 0  # a ReaderError knows where it stopped
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        token = _TOKEN_AT.search(str(exc))  # "overlap in comment [CommentToken(..., line: 2, col: 11)"
        if token is not None:
            line, col = int(token[1]) + 1, int(token[2]) + 1
        detail = ("a comment between a key and its value: move it above the key" if token
                  else f"the round-trip reader cannot read this ({type(exc).__name__})")
        raise YamlError("FU005", line, col, detail) from None
    return to_plain(tree), tree


def to_plain(value):
    """Turn ruamel's round-trip objects into plain Python data."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
    from ruamel.yaml.scalarbool import ScalarBoolean

    if isinstance(value, (CommentedMap, dict)):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (CommentedSeq, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, TaggedScalar):
        return str(value.value)
    if isinstance(value, ScalarBoolean):
        return bool(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute,
                           value.second, value.microsecond)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        return str(value)
    return value
