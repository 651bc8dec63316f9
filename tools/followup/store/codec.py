"""The data-only encoding the cache and the parsing workers use: values in, JSON out.

Never pickle: unpickling a crafted file runs whatever it names. Every value here is one of
JSON's own (string, number, true/false, null, array, object) or a tagged array, and every
decoder checks the type of what it rebuilds; anything else raises :class:`Undecodable`,
which the cache treats as "no cache".

Free YAML values (facts, contacts, ``archived``, ``owner_history``, a problem's parameters)
go through :func:`plain` on the way in: strings, numbers, booleans, null, lists and
mappings with string keys are themselves; everything else is an object with one key that
says what it is::

    {"$d": "2026-11-02"}            a date
    {"$t": "2026-11-02T09:30:00"}   a date and time (with its offset, if it had one)
    {"$u": [v1, v2, ...]}           a tuple (key paths)
    {"$m": [[k1, v1], [k2, v2]]}    a mapping with a key that is not a string or starts with $

On the way out the JSON reader itself rebuilds them (:func:`loads`, one hook call per
object, in C otherwise: walking every value in Python cost twice as much).

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
        for key in value:
            if type(key) is not str or key[:1] == "$":  # would not come back as itself
                return {"$m": [[plain(k), plain(v)] for k, v in value.items()]}
        return {k: plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    if kind is dt.date:
        return {"$d": value.isoformat()}
    if kind is dt.datetime:
        return {"$t": value.isoformat()}
    if kind is tuple:
        return {"$u": [plain(v) for v in value]}
    raise TypeError(f"not a YAML value: {kind.__name__}")


def _mapping(pairs) -> dict:
    if type(pairs) is not list:
        raise Undecodable("mapping")
    mapping = {}
    for pair in pairs:
        if type(pair) is not list or len(pair) != 2:
            raise Undecodable("mapping")
        try:
            mapping[pair[0]] = pair[1]
        except TypeError:  # an unhashable key
            raise Undecodable("mapping key") from None
    return mapping


def _datetime(text) -> dt.datetime:
    if type(text) is not str:
        raise Undecodable("datetime")
    return dt.datetime.fromisoformat(text)


def _tuple(items) -> tuple:
    if type(items) is not list:
        raise Undecodable("tuple")
    return tuple(items)


def _unplain(obj: dict):
    """The JSON reader's hook for every object, innermost first: a tagged one is rebuilt
    (a crafted tag raises), any other is a mapping with string keys, as it was."""
    if len(obj) == 1:
        for key in obj:
            if key[:1] == "$":
                rebuild = _TAGGED.get(key)  # (defined below, with day)
                if rebuild is None:
                    raise Undecodable(f"tag {key!r}")
                return rebuild(obj[key])
    return obj


_DAYS: dict[str, dt.date] = {}  # a cache holds ~10 dates a record, and few distinct ones


def day(text) -> dt.date:
    """The date ``date.isoformat`` wrote (read once per distinct text: a third of decoding)."""
    if type(text) is not str:
        raise Undecodable("date")
    found = _DAYS.get(text)
    if found is None:
        if len(text) != 10:
            raise Undecodable("date")
        found = _DAYS[text] = dt.date.fromisoformat(text)  # ValueError if it is not one
    return found


_TAGGED = {"$d": day, "$t": _datetime, "$u": _tuple, "$m": _mapping}


def day_or_none(text) -> dt.date | None:
    return None if text is None else day(text)


def iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def text_or_none(value, what: str) -> str | None:
    if value is not None and type(value) is not str:
        raise Undecodable(what)
    return value


# -- problems -----------------------------------------------------------------------------

def problem_data(p: Problem) -> list:
    return [p.code, p.file, p.line, p.col, plain(p.params), plain(p.key_path), p.is_error]


def unproblem(data) -> Problem:
    if type(data) is not list or len(data) != 7:
        raise Undecodable("problem")
    code, file, line, col, params, key_path, is_error = data
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
        return json.loads(blob, object_hook=_unplain)
    except (zlib.error, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise Undecodable(str(exc)) from None
