"""``score``: points per condition, a minimum of points per tier (lead scoring, RFM)."""

from __future__ import annotations

from dataclasses import dataclass

from followup.rules.conditions import Condition, Context, Eval
from followup.rules.methods.base import Method, Outcome, Parsing, Tier, tidy


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

    @classmethod
    def parse(cls, spec: dict, path: tuple, tiers: list[Tier], parsing: Parsing) -> Method:
        method = cls(tiers, _rules(spec, path, parsing))
        if tiers[-1].min_points not in (None, 0):
            parsing.fail("FU505", path + ("tiers", len(tiers) - 1), reason="last-not-catch-all")
        points = [t.min_points or 0 for t in tiers]
        if points != sorted(points, reverse=True):
            parsing.fail("FU505", path + ("tiers",), reason="order")
        return method

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
        outcome.detail["points"] = tidy(total)
        if index > 0:
            outcome.detail["needed"] = tidy(self.tiers[index - 1].min_points)
            outcome.why_not = missed
        return outcome


def _rules(spec: dict, path: tuple, parsing: Parsing) -> list[ScoreRule]:
    raw = spec.get("points")
    rules: list[ScoreRule] = []
    if not isinstance(raw, list) or not raw:
        parsing.fail("FU505", path + ("points",), reason="missing")
        return rules
    for i, r in enumerate(raw):
        rpath = path + ("points", i)
        pts = r.get("points") if isinstance(r, dict) else None
        if not isinstance(pts, (int, float)) or isinstance(pts, bool):
            parsing.fail("FU506", rpath, expected="{when: condition, points: N}")
            continue
        rules.append(ScoreRule(parsing.compile(r.get("when"), rpath + ("when",)), pts,
                               parsing.label(r.get("label"), "")))
    return rules


def _with_points(evals: list[Eval], points: float) -> list[Eval]:
    return [Eval(e.ok, e.test, e.subject, e.expected, e.actual, {**e.extra, "points": tidy(points)})
            for e in evals]
