"""``rules/ownership.yaml``: the ownership policy (who may own a customer, and for how long) as data.

See :mod:`followup.engine.ownership` for what is done with it and docs/teamwork.md for the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.problems import Problem, problem
from followup.rules.workdays import MAX_DAYS

POLICY_FILE = "rules/ownership.yaml"


@dataclass
class TierRecycle:
    no_followup_days: int | None = None
    no_deal_days: int | None = None


@dataclass
class Policy:
    days_without_followup: int | None = 7
    first_callback_days: int | None = None
    new_intent_days: int | None = None
    on_lapse: str = "claimable"  # seed 004: a lapsed customer's next visit counts as new
    pool: str = "pool"
    referrals: str = "referrer"
    require_name_and_phone: bool = True
    group_buyers: bool = True
    max_customers: int | None = 1000
    reclaim_cooldown_days: int = 30
    won_stages: tuple = ("6",)
    warn_days: int = 2
    recycle_default: TierRecycle = field(default_factory=TierRecycle)
    recycle_tiers: dict[str, TierRecycle] = field(default_factory=dict)

    def recycle_rule(self, tier: str) -> TierRecycle:
        return self.recycle_tiers.get(tier, self.recycle_default)


def _days(value, path, problems, file) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        problems.append(problem("FU708", file, path=path, detail=f"{'.'.join(map(str, path))}: "
                                f"需要 0–{MAX_DAYS} 天 / a number of days from 0 to {MAX_DAYS}"))
        return None
    return value


_KNOWN = {"protection", "pool", "referrals", "require_name_and_phone", "group_buyers", "max_customers",
          "reclaim_cooldown_days", "won_stages", "recycle"}


def build_policy(data, file: str = POLICY_FILE) -> tuple[Policy, list[Problem]]:
    """Validate policy data into a :class:`Policy`; bad values become problems, never exceptions."""
    policy = Policy()
    problems: list[Problem] = []
    if data is None:
        return policy, problems
    if not isinstance(data, dict):
        return policy, [problem("FU011", file, line=1, col=1)]
    for key in data:
        if key not in _KNOWN:
            problems.append(problem("FU708", file, path=(key,), detail=f"unknown key `{key}`"))
    prot = data.get("protection") or {}
    if not isinstance(prot, dict):
        problems.append(problem("FU708", file, path=("protection",), detail="protection: mapping"))
        prot = {}
    for name in ("days_without_followup", "first_callback_days", "new_intent_days"):
        if name in prot:
            setattr(policy, name, _days(prot[name], ("protection", name), problems, file))
    on_lapse = prot.get("on_lapse", policy.on_lapse)
    if on_lapse not in ("pool", "claimable"):
        problems.append(problem("FU708", file, path=("protection", "on_lapse"),
                                detail=f"on_lapse: pool | claimable, not `{on_lapse}`"))
    else:
        policy.on_lapse = on_lapse
    policy.pool = str(data.get("pool", policy.pool))
    referrals = data.get("referrals", policy.referrals)
    if referrals not in ("referrer", "registrant"):
        problems.append(problem("FU708", file, path=("referrals",),
                                detail=f"referrals: referrer | registrant, not `{referrals}`"))
    else:
        policy.referrals = referrals
    for name in ("require_name_and_phone", "group_buyers"):
        if name in data:
            if not isinstance(data[name], bool):
                problems.append(problem("FU708", file, path=(name,), detail=f"{name}: true | false"))
            else:
                setattr(policy, name, data[name])
    if "max_customers" in data:
        policy.max_customers = _days(data["max_customers"], ("max_customers",), problems, file)
    if "reclaim_cooldown_days" in data:
        policy.reclaim_cooldown_days = _days(data["reclaim_cooldown_days"],
                                             ("reclaim_cooldown_days",), problems, file) or 0
    if "won_stages" in data:
        stages = data["won_stages"]
        if not isinstance(stages, list):
            problems.append(problem("FU708", file, path=("won_stages",), detail="won_stages: a list"))
        else:
            policy.won_stages = tuple(str(s) for s in stages)
    recycle = data.get("recycle") or {}
    if not isinstance(recycle, dict):
        problems.append(problem("FU708", file, path=("recycle",), detail="recycle: mapping"))
        recycle = {}
    policy.warn_days = _days(recycle.get("warn_days", policy.warn_days), ("recycle", "warn_days"),
                             problems, file) or 0
    policy.recycle_default = _tier_rule(recycle.get("default"), ("recycle", "default"), problems, file)
    tiers = recycle.get("tiers") or {}
    if not isinstance(tiers, dict):
        problems.append(problem("FU708", file, path=("recycle", "tiers"), detail="tiers: mapping"))
        tiers = {}
    for tier, spec in tiers.items():
        policy.recycle_tiers[str(tier)] = _tier_rule(spec, ("recycle", "tiers", tier), problems, file)
    return policy, problems


def _tier_rule(spec, path, problems, file) -> TierRecycle:
    if spec is None:
        return TierRecycle()
    if not isinstance(spec, dict):
        problems.append(problem("FU708", file, path=path, detail="{no_followup_days:, no_deal_days:}"))
        return TierRecycle()
    return TierRecycle(_days(spec.get("no_followup_days"), (*path, "no_followup_days"), problems, file),
                       _days(spec.get("no_deal_days"), (*path, "no_deal_days"), problems, file))
