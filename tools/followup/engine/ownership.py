"""Who owns a customer: the attribution policy of seeds 001 and 004 (S5), as data.

``rules/ownership.yaml`` (optional; the defaults below apply without it)::

    protection:
      days_without_followup: 7    # seed 001: 7 天内不回访客户的,再次来访视为新客户
      first_callback_days: null   # seed 004 variant: 10 天未进行初次回访
      new_intent_days: null       # seed 004 variant: 15 天内未达成新的意向洽谈
      on_lapse: claimable         # claimable (stays until someone else takes it) | pool (公海)
    pool: pool                    # the owner id of the public pool (role: pool in team.yaml)
    referrals: referrer           # a referred customer belongs to the referrer's salesperson
    require_name_and_phone: true  # no real name + phone at registration = invalid registration
    group_buyers: true            # 团体大客户 may list co_owners
    max_customers: 1000           # cap per salesperson (seed 003: 1000 家客户)
    reclaim_cooldown_days: 30     # a customer that left X cannot go back to X for 30 days
    won_stages: ["6"]             # stages that count as a deal for ``no_deal_days``
    recycle:                      # 公海 per tier; warn K days before
      warn_days: 2
      default: {no_followup_days: 30}
      tiers:
        A: {no_followup_days: 7, no_deal_days: 60}

Everything here is a pure function of records, rules and an as-of date. Worked
example: 李明 registered 张伟 on 2026-11-02 and called on 11-10. With the 7-day
rule his protection runs through 11-17; on 11-18 the customer is unprotected,
``followup recycle`` proposes returning it to the pool, and an owner change to
王芳 passes ``check --base`` without a manager's override.

A manager's override is recorded in the file, never implied::

    owner_history:
      - {date: 2026-11-20, from: li-ming, to: wang-fang, by: zhao-lei, reason: 客户指定}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from followup.engine.registration import owners_count, valid_registration  # noqa: F401  (re-exported)
from followup.problems import Problem, problem
from followup.rules.ownership import Policy
from followup.rules.workdays import days_after

RECYCLE_ACTOR = "recycle"  # `by:` of an owner_history entry written by `followup recycle`


# --- owner history ------------------------------------------------------------------


@dataclass
class Handover:
    index: int
    date: dt.date
    from_: str
    to: str
    by: str
    reason: str = ""


def owner_history(data: dict, file: str, team=None) -> tuple[list[Handover], list[Problem]]:
    """Parse ``owner_history`` from raw front matter data."""
    raw = data.get("owner_history")
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [problem("FU707", file, path=("owner_history",), index=0, reason="list")]
    out, problems = [], []
    for i, item in enumerate(raw):
        path = ("owner_history", i)
        if not isinstance(item, dict):
            problems.append(problem("FU707", file, path=path, index=i + 1, reason="mapping"))
            continue
        day = item.get("date")
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            problems.append(problem("FU707", file, path=path, index=i + 1, reason="date"))
            continue
        to, by = item.get("to"), item.get("by")
        if not isinstance(to, str) or not isinstance(by, str):
            problems.append(problem("FU707", file, path=path, index=i + 1, reason="to/by"))
            continue
        if team is not None and by != RECYCLE_ACTOR and by not in team.people:
            problems.append(problem("FU707", file, path=(*path, "by"), index=i + 1, reason=f"by: {by}"))
        out.append(Handover(i, day, str(item.get("from") or ""), to, by, str(item.get("reason") or "")))
    return out, problems


def history_of(ws, customer) -> list[Handover]:
    data = ws.front_matter_extra(customer.path)  # kept at load time: no re-read of the file
    return owner_history(data, customer.path)[0] if isinstance(data, dict) else []


# --- protection and recycling -------------------------------------------------------


@dataclass
class Protection:
    owner_since: dt.date | None
    last_followup: dt.date | None
    expires: dt.date | None  # the last protected day; None = never (locked, or no rule)
    rule: str = ""  # which rule ends protection first

    def lapsed(self, as_of: dt.date) -> bool:
        return self.expires is not None and as_of > self.expires


def owner_since(customer, history: list[Handover]) -> dt.date | None:
    handovers = [h.date for h in history if h.to == customer.owner]
    return max(handovers) if handovers else customer.registered


def _owner_contacts(customer, playbook, since) -> list:
    return [e for e in customer.log
            if (e.by in ("", customer.owner) or e.by in customer.co_owners)
            and (playbook is None or playbook.is_contact(e.channel))
            and (since is None or e.date >= since)]


def protection(customer, policy: Policy, playbook, history: list[Handover]) -> Protection:
    since = owner_since(customer, history)
    contacts = _owner_contacts(customer, playbook, since)
    last = max((e.date for e in contacts), default=since)
    if customer.locked or since is None:
        return Protection(since, last, None, "locked" if customer.locked else "")
    ends = []
    if policy.days_without_followup is not None:
        ends.append((days_after(last, policy.days_without_followup), "days_without_followup"))
    if policy.first_callback_days is not None and not any(e.date > since for e in contacts):
        ends.append((days_after(since, policy.first_callback_days), "first_callback_days"))
    if policy.new_intent_days is not None:
        intents = [e.date for e in contacts if e.set or e.outcome]
        ref = max(intents, default=since)
        ends.append((days_after(ref, policy.new_intent_days), "new_intent_days"))
    if not ends:
        return Protection(since, last, None, "")
    expires, rule = min(ends)
    return Protection(since, last, expires, rule)


@dataclass
class Recycle:
    customer: object
    when: dt.date  # the last day the customer stays with its owner
    reason: str  # protection | no_followup | no_deal
    warning: bool  # True: within warn_days of ``when``, not yet due
    to: str = "pool"


def recycle_due(customer, tier: str, policy: Policy, playbook, history) -> tuple[dt.date, str] | None:
    """The last day before the customer goes back to the pool, and why; None = never."""
    if customer.locked or customer.archived or customer.owner in ("", policy.pool):
        return None
    prot = protection(customer, policy, playbook, history)
    ends = []
    if policy.on_lapse == "pool" and prot.expires is not None:
        ends.append((prot.expires, "protection"))
    rule = policy.recycle_rule(tier)
    if rule.no_followup_days is not None and prot.last_followup is not None:
        ends.append((days_after(prot.last_followup, rule.no_followup_days), "no_followup"))
    if (rule.no_deal_days is not None and prot.owner_since is not None
            and str(customer.stage) not in policy.won_stages):
        ends.append((days_after(prot.owner_since, rule.no_deal_days), "no_deal"))
    return min(ends) if ends else None


def recycle_plan(ws, grades, policy: Policy, as_of: dt.date) -> list[Recycle]:
    """Customers going back to the public pool as of ``as_of`` (and warnings K days before)."""
    playbook = ws.rules.playbook if ws.rules else None
    plan = []
    for grade in grades.values():
        c = grade.customer
        if c.paused_until and c.paused_until >= as_of:
            continue
        due = recycle_due(c, grade.tier, policy, playbook, history_of(ws, c))
        if due is None:
            continue
        when, reason = due
        if as_of > when:
            plan.append(Recycle(c, when, reason, False, policy.pool))
        elif (when - as_of).days < policy.warn_days:
            plan.append(Recycle(c, when, reason, True, policy.pool))
    return sorted(plan, key=lambda r: (r.warning, r.when, r.customer.id))


# --- registrations and conflicts (撞单) ----------------------------------------------




@dataclass
class Conflict:
    customer: object  # the record the problem is reported on
    other: object
    kind: str
    value: str
    key_path: tuple
    winner: str | None  # owner id the policy gives the customer to; None = manager decides
    rule: str  # first_registration | referral | invalid_registration | lapsed | tie

    def winner_and_loser(self):
        if self.winner == self.customer.owner:
            return self.customer, self.other
        return self.other, self.customer


def decide_pair(a, b, policy: Policy, ws, playbook) -> tuple[str | None, str]:
    """Who owns the customer registered as both ``a`` and ``b``: ``(owner id | None, rule)``."""
    if policy.require_name_and_phone:
        va, vb = valid_registration(a), valid_registration(b)
        if va != vb:
            return (a.owner if va else b.owner), "invalid_registration"
    if policy.referrals == "referrer":
        for x, y in ((a, b), (b, a)):
            if x.referred_by and x.referred_by == y.id:
                return y.owner, "referral"
    if a.registered is None or b.registered is None or a.registered == b.registered:
        return None, "tie"
    first, second = (a, b) if a.registered < b.registered else (b, a)
    prot = protection(ws.full_record(first), policy, playbook, history_of(ws, first))
    if prot.expires is not None and second.registered > prot.expires:
        return second.owner, "lapsed"  # 7 天内不回访客户的,再次来访视为新客户
    return first.owner, "first_registration"


def find_conflicts(ws, policy: Policy) -> list[Conflict]:
    """Same person or company under two owners, each pair reported once on each record."""
    from followup.engine.identity import identities, workspace_collisions

    playbook = ws.rules.playbook if ws.rules else None
    out, seen = [], set()
    for kind, value, path, c, other in workspace_collisions(ws):
        if c.owner == other.owner or c.archived or other.archived:
            continue
        if policy.group_buyers and (c.owner in other.owners or other.owner in c.owners):
            continue  # 团体客户: several owners share it
        pair = tuple(sorted((c.path, other.path)))
        if pair in seen:
            continue
        seen.add(pair)
        winner, rule = decide_pair(c, other, policy, ws, playbook)
        if winner is not None and winner == c.owner:  # report on the record that has to give way
            c, other = other, c
            path = next((p for k, v, p in identities(c) if (k, v) == (kind, value)), ())
        out.append(Conflict(c, other, kind, value, path, winner, rule))
    return out


RULE_WORDS = {
    "first_registration": ("先登记原则", "first registration wins"),
    "referral": ("转介绍归介绍人的销售", "referrals go to the referrer's salesperson"),
    "invalid_registration": ("无效登记不计归属", "an invalid registration does not count"),
    "lapsed": ("原负责人保护期已过,视为新客户", "the first owner's protection had lapsed"),
    "tie": ("同日登记", "registered the same day"),
}


def conflict_problem(conflict: Conflict, team, error: bool = False) -> Problem:
    c, other = conflict.customer, conflict.other
    params = dict(other=other.path, other_name=other.name, other_owner=other.owner,
                  other_owner_name=team.name_of(other.owner), kind=conflict.kind, value=conflict.value)
    if conflict.winner is None:
        return problem("FU702", c.path, path=conflict.key_path, warning=not error,
                       reason=RULE_WORDS[conflict.rule][0], **params)
    zh, en = RULE_WORDS[conflict.rule]
    winner, loser = conflict.winner_and_loser()
    action = f"把 {loser.path} 的记录并入 {winner.path},再归档(followup archive {loser.id})"
    action_en = f"merge {loser.path} into {winner.path}, then archive it (followup archive {loser.id})"
    return problem("FU701", c.path, path=conflict.key_path, warning=not error, rule=zh, rule_en=en,
                   winner=conflict.winner, winner_name=team.name_of(conflict.winner),
                   action=action, action_en=action_en, **params)


# --- owner changes -------------------------------------------------------------------


def owner_change_verdict(before, after, policy: Policy, playbook, team, history_after: list[Handover],
                         history_before: list[Handover], as_of: dt.date,
                         holdings: dict[str, int] | None = None, tier: str | None = None
                         ) -> tuple[bool, str]:
    """May ``before.owner`` become ``after.owner``? ``(allowed, reason)``.

    Allowed when a manager's override is recorded in the file (a new owner_history
    entry to the new owner by a manager), or when the old owner's protection had
    lapsed as of ``as_of``, or to the pool by ``followup recycle``. Never into a
    salesperson's reclaim cooldown, nor over the cap, unless a manager signed it.
    """
    new_entries = history_after[len(history_before):]
    record = next((h for h in reversed(new_entries) if h.to == after.owner), None)
    manager = record is not None and record.by in team.managers
    if not manager:
        for h in history_before:
            if (h.from_ == after.owner and policy.reclaim_cooldown_days
                    and (as_of - h.date).days < policy.reclaim_cooldown_days):
                return False, f"cooldown:{days_after(h.date, policy.reclaim_cooldown_days)}"
        if policy.max_customers is not None and holdings is not None \
                and after.owner != policy.pool and holdings.get(after.owner, 0) > policy.max_customers:
            return False, f"cap:{policy.max_customers}"
    if manager:
        return True, "manager"
    if after.owner == policy.pool and record is not None and record.by == before.owner:
        return True, "released"  # the owner gives it up (seed 001: 视为主动抛却所属)
    if before.locked:
        return False, "locked"
    prot = protection(before, policy, playbook, history_before)
    if prot.lapsed(as_of):
        return True, "lapsed"
    if (after.owner == policy.pool and record is not None and record.by == RECYCLE_ACTOR
            and tier is not None):  # 公海 by the tier's rule, which may come before protection ends
        due = recycle_due(before, tier, policy, playbook, history_before)
        if due is not None and as_of > due[0]:
            return True, "recycled"
    return False, f"protected:{prot.expires}"
