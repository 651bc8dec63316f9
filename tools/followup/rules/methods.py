"""The four grading methods the seeds need, each a small class with ``grade``.

* :class:`FirstMatch` — ordered tiers, the first whose condition holds wins (seed 000 A–E).
* :class:`LowestOf` — every dimension grades alone; the lowest single grade decides
  (seed 004: "该标准为单指标界定方式,按单项最低界定").
* :class:`Score` — points per condition, thresholds per tier (lead scoring, RFM).
* :class:`Rank` — by share of the whole population (Pareto: top 20% by revenue = A).

Every method returns an :class:`Outcome`: the tier, the leaf results that made it,
and — for the next tier up — the leaf results that failed ("B, not A: ..."), which a
context with ``explain`` off (``Context.explain``) leaves out when only the tier is wanted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

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


class Method:
    name = ""
    needs_population = False

    def __init__(self, tiers: list[Tier]):
        self.tiers = tiers

    def tier_ids(self) -> list[str]:
        return [t.id for t in self.tiers]

    def above(self, index: int) -> str | None:
        return self.tiers[index - 1].id if index > 0 else None


class FirstMatch(Method):
    name = "first-match"

    def grade(self, cid: str, ctx: Context) -> Outcome:
        for index, tier in enumerate(self.tiers):
            ok, evals = tier.when.holds(ctx)
            if ok:
                up = self.aim_above(index)
                outcome = Outcome(cid, tier.id, evals, self.tiers[up].id if up is not None else None)
                if up is not None and ctx.explain:
                    _, above_evals = self.tiers[up].when.holds(ctx)
                    outcome.why_not = [e for e in above_evals if not e.ok]
                return outcome
        # validated playbooks end with a catch-all; this is the defensive fallback
        last = self.tiers[-1]
        return Outcome(cid, last.id, [], self.above(len(self.tiers) - 1))

    def aim_above(self, index: int) -> int | None:
        """The nearest better tier worth aiming for. A dead end marked ``aim: false`` (seed 004's
        A31 明确拒绝 sits between A07 不拒绝 and A08 范围级) is skipped, so an A08 customer's
        "why not" names A07, the next step forward, not the refusal."""
        return self._aims[index]

    @functools.cached_property
    def _aims(self) -> list[int | None]:  # aim_above of each tier, asked for every customer
        return [next((i for i in range(index - 1, -1, -1) if self.tiers[i].aim), None)
                for index in range(len(self.tiers))]


@dataclass
class Dimension:
    id: str
    label: str
    grades: list[tuple[str, Condition]]  # best first; falling through all = lowest tier
    when_missing: str = "skip"  # skip | lowest


class LowestOf(Method):
    name = "lowest-of"

    def __init__(self, tiers: list[Tier], dimensions: list[Dimension]):
        super().__init__(tiers)
        self.dimensions = dimensions

    def _dimension_grade(self, dim: Dimension, ctx: Context) -> tuple[int | None, list[Eval]]:
        if dim.when_missing == "skip" and all(
            ctx.facts.get(f) in (None, "", []) for f in _facts_of(dim)
        ):
            return None, []
        ids = self.tier_ids()
        for tier_id, cond in dim.grades:
            ok, evals = cond.holds(ctx)
            if ok:
                return ids.index(tier_id), evals
        return len(ids) - 1, []

    def grade(self, cid: str, ctx: Context) -> Outcome:
        graded = {d.id: self._dimension_grade(d, ctx) for d in self.dimensions}
        judged = {k: v for k, v in graded.items() if v[0] is not None}
        ids = self.tier_ids()
        worst = max((v[0] for v in judged.values()), default=len(ids) - 1)
        deciding = [e for k, (i, evals) in judged.items() if i == worst for e in evals]
        outcome = Outcome(cid, ids[worst], deciding, self.above(worst))
        outcome.detail["dimensions"] = {k: (ids[v[0]] if v[0] is not None else None)
                                        for k, v in graded.items()}
        if worst > 0 and ctx.explain:
            target = ids[worst - 1]
            for dim in self.dimensions:
                index = judged.get(dim.id, (None,))[0]
                if index is None or index < worst:
                    continue
                cond = dict(dim.grades).get(target)
                if cond is not None:
                    outcome.why_not.extend(e for e in cond.holds(ctx)[1] if not e.ok)
        return outcome


def _facts_of(dim: Dimension) -> set[str]:
    return set().union(*(cond.facts_used() for _, cond in dim.grades)) if dim.grades else set()


@dataclass
class ScoreRule:
    when: Condition
    points: float
    label: str = ""


class Score(Method):
    name = "score"

    def __init__(self, tiers: list[Tier], rules: list[ScoreRule]):
        super().__init__(tiers)
        self.rules = rules

    def grade(self, cid: str, ctx: Context) -> Outcome:
        total, earned, missed = 0.0, [], []
        for rule in self.rules:
            ok, evals = rule.when.holds(ctx)
            if ok:
                total += rule.points
                earned.extend(_with_points(evals, rule.points))
            else:
                missed.extend(_with_points([e for e in evals if not e.ok], rule.points))
        index = next(i for i, t in enumerate(self.tiers) if (t.min_points or 0) <= total)
        outcome = Outcome(cid, self.tiers[index].id, earned, self.above(index))
        outcome.detail["points"] = _tidy(total)
        if index > 0:
            outcome.detail["needed"] = _tidy(self.tiers[index - 1].min_points)
            outcome.why_not = missed
        return outcome


def _with_points(evals: list[Eval], points: float) -> list[Eval]:
    return [Eval(e.ok, e.test, e.subject, e.expected, e.actual, {**e.extra, "points": _tidy(points)})
            for e in evals]


def _tidy(number):
    return int(number) if isinstance(number, float) and number.is_integer() else number


class Rank(Method):
    """Tiers by cumulative share: sort customers by a number, best first.

    ``basis: value`` — a customer is in the first tier while the customers ranked
    above it hold less than ``up_to`` of the total (A ≈ the customers making 80%
    of revenue). ``basis: customers`` — by share of head count (top 20% = A).
    Customers with no value (never traded) get the last tier. Equal values get
    the same tier, so a grade never depends on file order.
    """

    name = "rank"
    needs_population = True

    def __init__(self, tiers: list[Tier], fact: str, basis: str):
        super().__init__(tiers)
        self.fact = fact
        self.basis = basis

    def rank(self, values: dict[str, float | None]) -> dict[str, tuple[str, dict]]:
        scored = sorted(((v, cid) for cid, v in values.items() if _positive(v)),
                        key=lambda pair: (-pair[0], pair[1]))
        total = sum(v for v, _ in scored) if self.basis == "value" else len(scored)
        result: dict[str, tuple[str, dict]] = {}
        ranked = [t for t in self.tiers if t.up_to is not None]
        last = self.tiers[-1].id
        before, previous_value, previous_tier = 0.0, None, None
        for value, cid in scored:
            share_before = before / total if total else 0.0
            if value == previous_value:
                tier = previous_tier
            else:
                tier = next((t.id for t in ranked if share_before < t.up_to - 1e-12), last)
            result[cid] = (tier, {"value": value, "share_before": round(share_before, 4)})
            before += value if self.basis == "value" else 1
            previous_value, previous_tier = value, tier
        for cid, value in values.items():
            result.setdefault(cid, (last, {"value": value, "share_before": None}))
        return result

    def thresholds(self, ranking: dict[str, tuple[str, dict]]) -> dict[str, float]:
        """Lowest value held by each tier: what a customer must reach to be in it."""
        lowest: dict[str, float] = {}
        for tier, info in ranking.values():
            v = info.get("value")
            if _positive(v):
                lowest[tier] = min(lowest.get(tier, v), v)
        return lowest


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
