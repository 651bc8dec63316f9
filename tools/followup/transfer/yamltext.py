"""YAML text for values the importer writes (customer files, mapping files).

Plain when the text is plainly itself, else a JSON string — YAML 1.2 reads JSON's
double-quoted strings as the same text — with the characters YAML does not allow raw
escaped too. Safe in block and flow context::

    >>> [scalar(v) for v in ("张伟", "13812345678", "a: b", "null")]
    ['张伟', '"13812345678"', '"a: b"', '"null"']
"""

from __future__ import annotations

import datetime as dt
import json
import re

from followup.store import yaml12

_INDICATORS = re.compile(r"[:#\[\]{},&*!|>'\"%@`\\]|^[-?\s]|\s$"
                         r"|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def scalar(value) -> str:
    """One YAML 1.2 scalar, safe in flow context. Anything that is not plainly itself is
    written as a JSON string, which YAML 1.2 reads as the same double-quoted text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if text and not _INDICATORS.search(text) and yaml12.reads_as_itself(text):
        return text
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def flow(value) -> str:
    """A scalar, or a flow-style list/mapping of them, on one line."""
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    return scalar(value)


# characters YAML does not allow raw (or reads as line breaks) inside a quoted scalar
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


