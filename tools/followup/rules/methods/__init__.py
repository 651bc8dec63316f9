"""Grading methods by name: the registry the playbook's ``method:`` key is looked up in.

Each method is one module here (a :class:`~followup.rules.methods.base.Method` subclass
that parses its part of the playbook, grades, and says whether it ``needs_population``)
and one entry in :data:`METHODS`. ``docs/extending.md`` adds one, step by step.
"""

from __future__ import annotations

from followup.rules.methods.base import Cadence, Method, Outcome, Parsing, Tier
from followup.rules.methods.first_match import FirstMatch
from followup.rules.methods.lowest_of import Dimension, LowestOf
from followup.rules.methods.rank import Rank
from followup.rules.methods.score import Score, ScoreRule

METHODS: dict[str, type[Method]] = {m.name: m for m in (FirstMatch, LowestOf, Score, Rank)}


def register(method: type[Method]) -> type[Method]:
    """Make ``method`` available to playbooks as ``method: <its name>``."""
    if not method.name or method.name in METHODS:
        raise ValueError(f"a grading method needs a name of its own: {method.name!r}")
    METHODS[method.name] = method
    return method

__all__ = ["METHODS", "Cadence", "Dimension", "FirstMatch", "LowestOf", "Method", "Outcome",
           "Parsing", "Rank", "Score", "ScoreRule", "Tier", "register"]
