"""Transition shim: the old ``PROBLEMS``/``problem_text``/``language`` names, now backed by the
catalogues in :mod:`followup.text` (zh.py, en.py). Code on other branches that still does
``PROBLEMS.update({code: (zh, zh_hint, en, en_hint)})`` keeps working: the entry lands in both
catalogues. New code imports from :mod:`followup.text`; this module goes once nothing uses it.
"""

from __future__ import annotations

from followup.text import CATALOGUES, language, problem_text

__all__ = ["PROBLEMS", "language", "problem_text"]


class _Problems(dict):
    """The old four-tuple view, written through to the catalogues."""

    def __setitem__(self, code, entry):
        zh_message, zh_hint, en_message, en_hint = entry
        CATALOGUES["zh"].PROBLEMS[code] = (zh_message, zh_hint)
        CATALOGUES["en"].PROBLEMS[code] = (en_message, en_hint)
        super().__setitem__(code, entry)

    def update(self, entries=(), **more):
        for code, entry in dict(entries, **more).items():
            self[code] = entry

    def setdefault(self, code, entry=None):
        if code not in CATALOGUES["zh"].PROBLEMS:
            self[code] = entry
        return self.get(code, entry)


PROBLEMS = _Problems()
