"""Turn grading results into sentences a salesperson can act on.

    B — 原因:
      ✓ 需求 = 明确需求
      ✓ 预计成交 2027-01-15 在最近联系后 56 天(需要 ≤ 90)
    为什么不是 A:
      ✗ 预计成交 2027-01-15 在最近联系后 56 天(需要 ≤ 30)
    下次跟进 2026-11-27:最近联系 2026-11-20 + 每 7 天

The tests are worded by :class:`followup.text.conditions.Sentences`, the same renderer the
board's rules page uses; the words come from the catalogue.
"""

from __future__ import annotations

from followup.engine.grading import Grade
from followup.rules.playbook import Playbook
from followup.text import label, say
from followup.text.conditions import Sentences


def cadence_text(cadence, lang: str) -> str:
    """``每 7 天`` / ``every 7 days``; ``every work day``; empty without a cadence."""
    if cadence is None:
        return ""
    if cadence.workdays:
        return say("cadence_workdays", lang, n=cadence.workdays)
    return say("cadence_days", lang, n=cadence.days)


def explain_lines(grade: Grade, playbook: Playbook, lang: str = "zh") -> list[str]:
    words = Sentences(playbook, lang)
    c = grade.customer
    driving = playbook.driving
    outcome = grade.outcomes[driving.id]
    tier = driving.tier(grade.tier)
    tier_label = label(tier.label, lang) if tier else ""
    lines = [f"{c.name} ({c.id}) — {label(driving.label, lang)}: {grade.tier} {tier_label}".rstrip()]
    lines.append(say("explain.because", lang))
    lines += [f"  {words.marked(e)}" for e in outcome.evals] or ["  -"]
    if "points" in outcome.detail:
        lines.append(say("explain.points_total", lang, points=outcome.detail["points"]))
    if "dimensions" in outcome.detail:
        lines.append(dimensions_line(driving, outcome, lang))
    if outcome.next_up:
        lines.append(say("explain.why_not", lang, tier=outcome.next_up))
        if "needed" in outcome.detail:
            lines.append(say("explain.points_short", lang, points=outcome.detail["points"],
                             tier=outcome.next_up, needed=outcome.detail["needed"]))
        lines += [f"  {words.marked(e)}" for e in outcome.why_not]
        if not outcome.why_not and "needed" not in outcome.detail:
            lines.append(say("explain.unknown", lang))
    lines.append(due_line(grade, playbook, lang))
    for cls_id, other in grade.outcomes.items():
        if cls_id == driving.id:
            continue
        cls = playbook.classifications[cls_id]
        t = cls.tier(other.tier)
        lines.append(f"{label(cls.label, lang)}: {other.tier} {label(t.label, lang) if t else ''}".rstrip())
    return lines


def dimensions_line(cls, outcome, lang: str) -> str:
    """lowest-of: every dimension's own grade, e.g. ``各项:购房动机 A · 资金 C · 预计成交 B``."""
    labels = {d.id: label(d.label, lang) for d in getattr(cls.method, "dimensions", [])}
    parts = [f"{labels.get(k, k)} {v or say('explain.not_judged', lang)}"
             for k, v in outcome.detail["dimensions"].items()]
    return say("explain.dimensions", lang, parts=" · ".join(parts))


def due_line(grade: Grade, playbook: Playbook, lang: str) -> str:
    s = grade.schedule
    text = say("explain.due", lang, due=s.due)
    if s.last_contact is None:
        return text + say("explain.new_customer", lang, date=s.reference)
    tier = playbook.driving.tier(grade.tier)
    every = cadence_text(tier.cadence if tier else None, lang)
    text += say("explain.from_last", lang, date=s.last_contact, every=every)
    if s.manual_next:
        text += say("explain.manual_next", lang, date=s.manual_next)
        if s.postponed_days:
            text += say("explain.postponed", lang, n=s.postponed_days)
    if grade.customer.paused_until:
        text += say("explain.paused", lang, until=grade.customer.paused_until,
                    reason=grade.customer.pause_reason)
    return text
