"""``rank``: tiers by share of the whole population (Pareto: the customers making 80% of
revenue are A). The one method that ``needs_population``."""

from __future__ import annotations

from followup.rules.conditions import Context, Eval
from followup.rules.methods.base import Method, Outcome, Parsing, Tier


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

    @classmethod
    def parse(cls, spec: dict, path: tuple, tiers: list[Tier], parsing: Parsing) -> Method | None:
        by = spec.get("by") or {}
        fact = by.get("fact") if isinstance(by, dict) else None
        facts = parsing.facts
        if not isinstance(fact, str) or fact not in facts or facts[fact].type != "number":
            parsing.fail("FU504", path + ("by",), fact=str(fact))
            return None
        basis = spec.get("basis", "value")
        if basis not in ("value", "customers"):
            parsing.fail("FU508", path + ("basis",), value=str(basis), allowed="value, customers")
        shares = [t.up_to for t in tiers if t.up_to is not None]
        if shares != sorted(shares) or any(not 0 < s <= 1 for s in shares):
            parsing.fail("FU505", path + ("tiers",), reason="order")
        return cls(tiers, fact, basis)

    def grade_population(self, cid: str, contexts: dict[str, Context]) -> dict[str, Outcome]:
        values = {key: ctx.facts.get(self.fact) for key, ctx in contexts.items()}
        ranking = self.rank(values)
        lowest = self.thresholds(ranking)
        ids = self.tier_ids()
        result = {}
        for key, (tier, info) in ranking.items():
            index = ids.index(tier)
            value = info.get("value")
            ev = Eval(True, "rank", self.fact, {"basis": self.basis, "up_to": self.tiers[index].up_to},
                      value, {"share_before": info.get("share_before")})
            outcome = Outcome(cid, tier, [ev], self.above(index), detail=dict(info))
            if index > 0:
                needed = lowest.get(ids[index - 1])
                if needed is not None:
                    outcome.why_not = [Eval(False, "compare", self.fact, {"min": needed}, value)]
            result[key] = outcome
        return result

    def rank(self, values: dict[str, float | None]) -> dict[str, tuple[str, dict]]:
        scored = sorted(((v, key) for key, v in values.items() if _positive(v)),
                        key=lambda pair: (-pair[0], pair[1]))
        total = sum(v for v, _ in scored) if self.basis == "value" else len(scored)
        result: dict[str, tuple[str, dict]] = {}
        ranked = [t for t in self.tiers if t.up_to is not None]
        last = self.tiers[-1].id
        before, previous_value, previous_tier = 0.0, None, None
        for value, key in scored:
            share_before = before / total if total else 0.0
            if value == previous_value:
                tier = previous_tier
            else:
                tier = next((t.id for t in ranked if share_before < t.up_to - 1e-12), last)
            result[key] = (tier, {"value": value, "share_before": round(share_before, 4)})
            before += value if self.basis == "value" else 1
            previous_value, previous_tier = value, tier
        for key, value in values.items():
            result.setdefault(key, (last, {"value": value, "share_before": None}))
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
