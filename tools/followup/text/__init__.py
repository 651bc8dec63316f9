"""User-facing words: one catalogue per language (:mod:`.zh`, :mod:`.en`), one way to say them.

Chinese is the default; ``--lang en``, ``FOLLOWUP_LANG=en`` or ``language: en`` in
rules/followup.yaml switch to English. Code never branches on the language: it asks the
catalogue for a key (``say("overdue_n", lang)``) or a problem code (``problem_text``), and
the catalogue holds both languages under the same keys (a test checks that they agree, that
every code raised in the source has an entry, and that docs/codes.md lists every code).

Templates use ``str.format`` with the given params; a missing param renders as ``?``. Two
format specs are added:

* **Plurals** — a spec containing ``|`` is ``one|other``: the first form when the value is 1,
  else the second; ``#`` in the chosen form is replaced by the value. English writes
  ``{n:# day|# days} overdue`` ("1 day overdue", "3 days overdue") or ``every {n:day|# days}``
  ("every day", "every 3 days"). Chinese has no plural and simply writes ``{n} 天``.
* **Optional suggestions** — a spec containing ``@`` renders only when the value is non-empty,
  with ``@`` replaced by it: ``{suggestion: (did you mean `@`?)}``.

Labels from the playbook (tier, stage, fact and choice names) may carry both languages;
:func:`label` picks the one for the language (see :class:`followup.rules.playbook.Label`).
"""

from __future__ import annotations

import os
import string

from followup.text import en, zh

CATALOGUES = {"zh": zh, "en": en}
LANGUAGES = tuple(CATALOGUES)


class _Params(dict):
    def __missing__(self, key):
        return "?"


class _Formatter(string.Formatter):
    def format_field(self, value, format_spec):
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return (one if value == 1 else other).replace("#", str(value))
        if "@" in format_spec:
            return format_spec.replace("@", str(value)) if value not in ("", None, "?") else ""
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def language(explicit: str | None = None) -> str:
    """``zh`` or ``en``: the explicit choice, else ``FOLLOWUP_LANG``, else Chinese."""
    lang = explicit or os.environ.get("FOLLOWUP_LANG") or "zh"
    return "en" if lang.lower().startswith("en") else "zh"


def render(template: str, params: dict) -> str:
    return _FORMATTER.vformat(template, (), _Params(params))


def say(key: str, lang: str, **params) -> str:
    """The catalogue's text for ``key`` in ``lang``, formatted with ``params``. An unknown key
    raises KeyError: the catalogue test is what keeps every key in both languages."""
    return render(CATALOGUES[lang].WORDS[key], params)


def problem_text(code: str, params: dict, lang: str) -> tuple[str, str]:
    """(message, hint) of a problem code; an unknown code says just the code."""
    message, hint = CATALOGUES[lang].PROBLEMS.get(code, (code, ""))
    return render(message, params), render(hint, params)


def label(value, lang: str) -> str:
    """A playbook label in ``lang``: a :class:`~followup.rules.playbook.Label` gives its English
    form when it has one, anything else is itself."""
    return value.text(lang) if hasattr(value, "text") else ("" if value is None else str(value))


class Words:
    """``t = Words(lang); t("overdue_n")``: :func:`say` bound to one language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in CATALOGUES else "zh"

    def __call__(self, key: str, **params) -> str:
        return say(key, self.lang, **params)

    def weekday(self, day) -> str:
        return say(f"weekday.{day.weekday()}", self.lang)

    def label(self, value) -> str:
        return label(value, self.lang)
