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
    fraction = (m["fraction"] or "")[:6].ljust(6, "0")
    # ruamel keeps the wall-clock time of a zoned timestamp and drops the offset; so do we.
    return dt.datetime(year, month, day, int(m["hour"]), int(m["minute"]), int(m["second"]),
                       int(fraction))


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
    """Read one YAML document into plain Python data (dict/list/str/int/float/bool/None/date)."""
    node = compose(text)
    if node is None:
        return None
    return _Converter().convert(node)


class _Converter:
    def __init__(self):
        self.memo: dict[int, tuple[object, int]] = {}
        self.total = 0

    def convert(self, node):
        value, _size = self._convert(node)
        return value

    def _convert(self, node):
        key = id(node)
        if key in self.memo:  # an alias: shared object, but its expansion still counts
            value, size = self.memo[key]
            self._count(size, node)
            return value, size
        if isinstance(node, ScalarNode):
            value, size = self._scalar(node), 1
            self._count(1, node)
        elif isinstance(node, SequenceNode):
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
        for key_node, value_node in node.value:
            if _scalar_text(key_node) == str(step):
                return value_node
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
    from ruamel.yaml.error import MarkedYAMLError

    load_fast(text)  # raises YamlError for anything we refuse, identically for both paths
    try:
        tree = roundtrip_yaml().load(text)
    except MarkedYAMLError as exc:  # pragma: no cover - screened above
        mark = exc.problem_mark or exc.context_mark
        raise YamlError("FU005", mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                        str(exc.problem)) from None
    except ValueError as exc:  # pragma: no cover - impossible dates are screened above
        raise YamlError("FU012", 1, 1, str(exc)) from None
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
