"""``lowest-of``: every dimension grades alone; the lowest single grade decides.

A customer strong on motive but weak on funds is graded by the funds: the grade is
the worst of the dimensions that were judged (a dimension with none of its facts
filled in is skipped unless ``when_missing: lowest``).
"""

from __future__ import annotations

from dataclasses import dataclass

from followup.rules.conditions import Condition, Context, Eval
from followup.rules.methods.base import Method, Outcome, Parsing, Tier


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

    @classmethod
    def parse(cls, spec: dict, path: tuple, tiers: list[Tier], parsing: Parsing) -> Method:
        raw = spec.get("dimensions")
        ids = [t.id for t in tiers]
        dims: list[Dimension] = []
        if not isinstance(raw, list) or not raw:
            parsing.fail("FU505", path + ("dimensions",), reason="missing")
            return cls(tiers, dims)
        for i, d in enumerate(raw):
            dpath = path + ("dimensions", i)
            if not isinstance(d, dict) or "id" not in d or not isinstance(d.get("grades"), dict):
                parsing.fail("FU506", dpath, expected="{id:, label:, grades: {A: condition, ...}}")
                continue
            grades = []
            for tier_id, cond in d["grades"].items():
                if str(tier_id) not in ids:
                    parsing.fail("FU505", dpath + ("grades", tier_id), reason="unknown-tier",
                                 tier=str(tier_id))
                    continue
                grades.append((str(tier_id), parsing.compile(cond, dpath + ("grades", tier_id))))
            grades.sort(key=lambda g: ids.index(g[0]))
            dims.append(Dimension(str(d["id"]), parsing.label(d.get("label"), str(d["id"])), grades,
                                  str(d.get("when_missing", "skip"))))
        return cls(tiers, dims)

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
