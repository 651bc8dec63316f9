"""The data-only encoding the cache and the parsing workers use: values in, JSON out.

Never pickle: unpickling a crafted file runs whatever it names. Every value here is one of
JSON's own (string, number, true/false, null, array, object) or a tagged array, and every
decoder checks the type of what it rebuilds; anything else raises :class:`Undecodable`,
which the cache treats as "no cache".

Free YAML values (facts, contacts, ``archived``, ``owner_history``, a problem's parameters)
go through :func:`plain`/:func:`unplain`: strings, numbers, booleans, null and objects with
string keys are themselves; everything else is an array whose first item says what it is::

    ["d", "2026-11-02"]            a date
    ["t", "2026-11-02T09:30:00"]   a date and time (with its offset, if it had one)
    ["l", v1, v2, ...]             a list
    ["u", v1, v2, ...]             a tuple (key paths)
    ["m", [k1, v1], [k2, v2]]      a mapping with a key that is not a string

This module knows problems and plain values only, so that ``check`` answering from its
stored result imports neither the records nor the YAML readers; the records' encoding is
in :mod:`followup.store.results`.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

from followup.problems import Problem, Severity


class Undecodable(ValueError):
    """A stored value is not what :func:`encode` writes: the cache holding it is ignored."""


# -- free YAML values -----------------------------------------------------------------------

def plain(value):
    """``value`` (anything the YAML readers give, plus tuples) as JSON-ready data."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        if all(type(k) is str for k in value):
            return {k: plain(v) for k, v in value.items()}
        return ["m", *([plain(k), plain(v)] for k, v in value.items())]
    if kind is list:
        return ["l", *map(plain, value)]
    if kind is tuple:
        return ["u", *map(plain, value)]
    if kind is dt.date:
        return ["d", value.isoformat()]
    if kind is dt.datetime:
        return ["t", value.isoformat()]
    raise TypeError(f"not a YAML value: {kind.__name__}")


def unplain(data):
    kind = type(data)
    if kind is str or kind is int or kind is bool or kind is float or data is None:
        return data
    if kind is dict:
        return {k: unplain(v) for k, v in data.items()}
    if kind is not list or not data:
        raise Undecodable("value")
    tag = data[0]
    if tag == "l":
        return [unplain(v) for v in data[1:]]
    if tag == "u":
        return tuple(unplain(v) for v in data[1:])
    if tag == "d" and len(data) == 2:
        return day(data[1])
    if tag == "t" and len(data) == 2 and type(data[1]) is str:
        return dt.datetime.fromisoformat(data[1])
    if tag == "m":
        pairs = {}
        for pair in data[1:]:
            if type(pair) is not list or len(pair) != 2:
                raise Undecodable("mapping")
            key = unplain(pair[0])
            try:
                pairs[key] = unplain(pair[1])
            except TypeError:  # an unhashable key
                raise Undecodable("mapping key") from None
        return pairs
    raise Undecodable(f"tag {tag!r}")


def day(text) -> dt.date:
    if type(text) is not str or len(text) != 10:
        raise Undecodable("date")
    return dt.date.fromisoformat(text)  # ValueError (an Undecodable's base) if it is not one


def day_or_none(text) -> dt.date | None:
    return None if text is None else day(text)


def iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def typed(value, kind, what: str):
    if type(value) is not kind:
        raise Undecodable(what)
    return value


def text_or_none(value, what: str) -> str | None:
    return None if value is None else typed(value, str, what)


def texts(value, what: str) -> list[str]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise Undecodable(what)
    return value


# -- problems -----------------------------------------------------------------------------

def problem_data(p: Problem) -> list:
    return [p.code, p.file, p.line, p.col, plain(p.params), plain(p.key_path), p.is_error]


def unproblem(data) -> Problem:
    if type(data) is not list or len(data) != 7:
        raise Undecodable("problem")
    code, file, line, col, params, key_path, is_error = data
    params, key_path = unplain(params), unplain(key_path)
    if not (type(code) is str and type(file) is str and type(line) is int and type(col) is int
            and type(params) is dict and type(key_path) is tuple and type(is_error) is bool):
        raise Undecodable("problem")
    return Problem(code, file, line, col, params, key_path,
                   Severity.ERROR if is_error else Severity.WARNING)


def problems_data(problems: list[Problem]) -> list:
    return [problem_data(p) for p in problems]


def unproblems(data) -> list[Problem]:
    if type(data) is not list:
        raise Undecodable("problems")
    return [unproblem(p) for p in data]


# -- blobs --------------------------------------------------------------------------------

COMPRESS_ABOVE = 2048  # bytes: a zlib stream costs ~50 µs to set up, worth it only for big ones


def dumps(data) -> bytes:
    """JSON bytes, zlib-compressed when large (full records with their notes; lean ones are
    small). The first byte tells which: our JSON starts with ``[``, a zlib stream with 0x78."""
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return zlib.compress(blob, 1) if len(blob) > COMPRESS_ABOVE else blob


def loads(blob: bytes):
    """The data :func:`dumps` wrote; :class:`Undecodable` for anything else."""
    try:
        if blob[:1] == b"\x78":
            blob = zlib.decompress(blob)
        return json.loads(blob)
    except (zlib.error, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise Undecodable(str(exc)) from None
