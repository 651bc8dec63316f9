"""What every grading method shares: tiers, outcomes, and the :class:`Method` interface.

A method is a class registered by name in :mod:`followup.rules.methods`. It

* **parses** its part of a classification in the playbook (``parse``: its own keys,
  checked, with problems at key paths of the playbook file),
* **grades** one customer (``grade``) -- or, when ``needs_population`` is true, the
  whole population at once (``grade_population``: ranking by share of revenue needs
  everyone's numbers).

Every method returns an :class:`Outcome`: the tier, the leaf results that made it,
and -- for the next tier up -- the leaf results that failed ("B, not A: ..."), which a
context with ``explain`` off (``Context.explain``) leaves out when only the tier is wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from followup.rules.conditions import Condition, Context, Eval


@dataclass(frozen=True)
class Cadence:
    days: int = 0
    workdays: int = 0

    def describe(self) -> dict:
        return {"days": self.days} if self.days else {"workdays": self.workdays}


@dataclass
class Tier:
    id: str
    label: str
    cadence: Cadence | None = None
    when: Condition | None = None  # first-match
    min_points: float | None = None  # score
    up_to: float | None = None  # rank: cumulative share
    stall: dict | None = None  # {after_days: 7, to: B}
    win_rate: float | None = None
    aim: bool = True  # first-match: False = a dead end (明确拒绝), never "the next tier up"


@dataclass(slots=True)
class Outcome:
    classification: str
    tier: str
    evals: list[Eval] = field(default_factory=list)
    next_up: str | None = None
    why_not: list[Eval] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Parsing:
    """What the playbook builder lends a method's ``parse``.

    ``fail(code, key_path, **params)`` records a problem in the playbook file;
    ``compile(condition data, key_path)`` makes a :class:`Condition` (its problems are
    collected by the builder); ``label(value, default)`` reads a label (a string or
    ``{zh:, en:}``) the way every other label of the playbook is read; ``facts`` are the
    playbook's facts by name.
    """

    facts: dict
    fail: Callable[..., None]
    compile: Callable[[object, tuple], Condition]
    label: Callable[[object, str], str]


class Method:
    """One grading method. Subclasses set ``name`` and implement ``grade`` or, with
    ``needs_population``, ``grade_population``."""

    name: ClassVar[str] = ""
    needs_population: ClassVar[bool] = False
    # whether each tier has its own ``when:`` condition (compiled by the builder)
    tier_conditions: ClassVar[bool] = False

    def __init__(self, tiers: list[Tier]):
        self.tiers = tiers

    @classmethod
    def parse(cls, spec: dict, path: tuple, tiers: list[Tier], parsing: Parsing) -> Method | None:
        """The method of the classification ``spec`` (at key path ``path``) with its
        ``tiers`` already read, or None when it cannot be built (the problems say why)."""
        return cls(tiers)

    def grade(self, cid: str, ctx: Context) -> Outcome:
        """The outcome of classification ``cid`` for the customer ``ctx`` describes."""
        raise NotImplementedError(f"{self.name} grades the whole population")

    def grade_population(self, cid: str, contexts: dict[str, Context]) -> dict[str, Outcome]:
        """The outcome of classification ``cid`` for every customer (keyed like
        ``contexts``), for a method that ``needs_population``."""
        raise NotImplementedError(f"{self.name} grades one customer at a time")

    def tier_ids(self) -> list[str]:
        return [t.id for t in self.tiers]

    def above(self, index: int) -> str | None:
        return self.tiers[index - 1].id if index > 0 else None


def tidy(number):
    """``3.0`` as ``3``: points and thresholds read as the playbook wrote them."""
    return int(number) if isinstance(number, float) and number.is_integer() else number
