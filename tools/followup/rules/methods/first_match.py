"""``first-match``: ordered tiers, the first whose condition holds wins (A–E by stage and need)."""

from __future__ import annotations

import functools

from followup.rules.conditions import Always, Context
from followup.rules.methods.base import Method, Outcome, Parsing, Tier


class FirstMatch(Method):
    name = "first-match"
    tier_conditions = True

    @classmethod
    def parse(cls, spec: dict, path: tuple, tiers: list[Tier], parsing: Parsing) -> Method:
        if not isinstance(tiers[-1].when, Always):
            parsing.fail("FU505", path + ("tiers", len(tiers) - 1), reason="last-not-catch-all")
        return cls(tiers)

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
        """The nearest better tier worth aiming for. A dead end marked ``aim: false`` (an
        explicit refusal between "does not refuse" and "scope known" in the real-estate
        preset) is skipped, so the "why not" of a customer below it names the next step
        forward, not the refusal."""
        return self._aims[index]

    @functools.cached_property
    def _aims(self) -> list[int | None]:  # aim_above of each tier, asked for every customer
        return [next((i for i in range(index - 1, -1, -1) if self.tiers[i].aim), None)
                for index in range(len(self.tiers))]
