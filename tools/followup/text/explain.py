"""Turn grading results into sentences a salesperson can act on.

    B — 原因:
      ✓ 需求 = 明确需求
      ✓ 预计成交 2027-01-15 在最近联系后 56 天(需要 ≤ 90)
    为什么不是 A:
      ✗ 预计成交 2027-01-15 在最近联系后 56 天(需要 ≤ 30)
    下次跟进 2026-11-27:最近联系 2026-11-20 + 每 7 天
"""

from __future__ import annotations

from followup.engine.grading import Grade
from followup.rules.conditions import COMPARATORS, Eval
from followup.rules.playbook import Playbook
from followup.text import say as word

SYMBOLS = {"min": "≥", "max": "≤", "above": ">", "below": "<"}


def _fact_label(playbook: Playbook, name: str) -> str:
    fact = playbook.facts.get(name)
    if name == "stage":
        return "阶段"
    return fact.label if fact else name


def _value_label(playbook: Playbook, name: str, value, lang: str) -> str:
    if value is None or value == "":
        return word("not_filled", lang)
    fact = playbook.facts.get(name)
    if isinstance(value, list):
        return "、".join(_value_label(playbook, name, v, lang) for v in value)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if fact and fact.choices and str(value) in fact.choices:
        return fact.choices[str(value)]
    if name == "stage":
        stage = playbook.stage(value)
        if stage:
            return f"{stage.id} {stage.label}" if stage.label != stage.id else stage.id
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _bounds(bounds: dict) -> str:
    return " 且 ".join(f"{SYMBOLS[k]} {_num(v)}" for k, v in bounds.items() if k in COMPARATORS)


def _num(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else str(v)


def describe(ev: Eval, playbook: Playbook, lang: str = "zh") -> str:
    """One line for one leaf test, without the ✓/✗ mark.

    A negated test is worded as the test itself behind "并非:" (``✗ 并非:有违约记录 = 是``).
    """
    if ev.extra.get("negated"):  # state the negated test itself; the mark says if "not" held
        inner = Eval(True, ev.test, ev.subject, ev.expected, ev.actual,
                     {k: v for k, v in ev.extra.items() if k != "negated"})
        return ("并非:" if lang == "zh" else "not: ") + describe(inner, playbook, lang)
    label = _fact_label(playbook, ev.subject)
    actual = _value_label(playbook, ev.subject, ev.actual, lang)
    zh = lang == "zh"
    if ev.test == "always":
        return word("always", lang)
    if ev.test == "is":
        expected = _value_label(playbook, ev.subject, ev.expected, lang)
        text = f"{label} = {expected}" if ev.ok else (
            f"{label} 是 {actual},需要 {expected}" if zh else f"{label} is {actual}, needs {expected}")
    elif ev.test in ("in", "not_in"):
        options = "、".join(_value_label(playbook, ev.subject, v, lang) for v in ev.expected)
        verb = ("属于" if ev.test == "in" else "不属于") if zh else ("in" if ev.test == "in" else "not in")
        text = f"{label} {actual} {verb} {{{options}}}"
    elif ev.test == "present":
        filled = ev.actual not in (None, "", [])
        if zh:
            text = f"{label} {'已填写' if filled else '未填写'}"
        else:
            text = f"{label} {'is filled in' if filled else 'is not filled in'}"
    elif ev.test == "compare":
        text = (f"{label} {actual}(需要 {_bounds(ev.expected)})" if zh
                else f"{label} {actual} (needs {_bounds(ev.expected)})")
    elif ev.test == "days":
        text = _days(ev, label, lang)
    elif ev.test == "count":
        where = "、".join(str(v) for vals in ev.expected and ev.extra.get("where", {}).values()
                         for v in (vals if isinstance(vals, list) else [vals]))
        text = (f"{where or '跟进'}次数 {ev.actual}(需要 {_bounds(ev.expected)})" if zh
                else f"{where or 'follow-up'} count {ev.actual} (needs {_bounds(ev.expected)})")
    elif ev.test == "rank":
        share = ev.extra.get("share_before")
        if ev.actual in (None, 0) or share is None:
            text = f"{label}:{actual}" + (",没有交易额,排在最后一级" if zh else ", no value: last tier")
        else:
            pct = f"{share * 100:.0f}%"
            basis = ev.expected.get("basis")
            what = ("前面客户已占总额 " if basis == "value" else "排在前 ") if zh else (
                "customers ahead hold " if basis == "value" else "ranked after ")
            text = f"{label} {actual}," + what + pct
    else:
        text = f"{label}: {actual}"
    if "points" in ev.extra:
        text += f"(+{ev.extra['points']} {word('points', lang)})" if ev.ok else (
            f"(可得 {ev.extra['points']} {word('points', lang)})" if zh
            else f" (worth {ev.extra['points']} points)")
    return text


def _days(ev: Eval, label: str, lang: str) -> str:
    date = ev.extra.get("date")
    if ev.actual is None:
        return (f"{label} 未填写(需要 {_bounds(ev.expected)} 天)" if lang == "zh"
                else f"{label} not filled in (needs {_bounds(ev.expected)} days)")
    after = ev.extra.get("direction") == "days_after_contact"
    if lang == "zh":
        rel = "在最近联系后" if after else "在最近联系前"
        return f"{label} {date} {rel} {ev.actual} 天(需要 {_bounds(ev.expected)})"
    rel = "after the last contact" if after else "before the last contact"
    return f"{label} {date} is {ev.actual} days {rel} (needs {_bounds(ev.expected)})"


def marked(ev: Eval, playbook: Playbook, lang: str) -> str:
    return f"{'✓' if ev.ok else '✗'} {describe(ev, playbook, lang)}"


def explain_lines(grade: Grade, playbook: Playbook, lang: str = "zh") -> list[str]:
    zh = lang == "zh"
    c = grade.customer
    driving = playbook.driving
    outcome = grade.outcomes[driving.id]
    tier = driving.tier(grade.tier)
    lines = [f"{c.name} ({c.id}) — {driving.label}: {grade.tier} {tier.label if tier else ''}".rstrip()]
    lines.append("原因:" if zh else "because:")
    lines += [f"  {marked(e, playbook, lang)}" for e in outcome.evals] or ["  -"]
    if "points" in outcome.detail:
        lines.append(f"  = {outcome.detail['points']} {word('points', lang)}")
    if "dimensions" in outcome.detail:
        lines.append(dimensions_line(driving, outcome, lang))
    if outcome.next_up:
        lines.append(f"为什么不是 {outcome.next_up}:" if zh else f"why not {outcome.next_up}:")
        if "needed" in outcome.detail:
            lines.append(f"  ✗ {outcome.detail['points']} {word('points', lang)}"
                         + (f",{outcome.next_up} 需要 ≥ {outcome.detail['needed']}" if zh
                            else f", {outcome.next_up} needs ≥ {outcome.detail['needed']}"))
        lines += [f"  {marked(e, playbook, lang)}" for e in outcome.why_not]
        if not outcome.why_not and "needed" not in outcome.detail:
            lines.append("  ✗ 判断所需的信息还没有填写" if zh
                         else "  ✗ the facts needed to judge are not filled in")
    lines.append(due_line(grade, playbook, lang))
    for cls_id, other in grade.outcomes.items():
        if cls_id == driving.id:
            continue
        cls = playbook.classifications[cls_id]
        t = cls.tier(other.tier)
        lines.append(f"{cls.label}: {other.tier} {t.label if t else ''}".rstrip())
    return lines


def dimensions_line(cls, outcome, lang: str) -> str:
    """lowest-of: every dimension's own grade, e.g. ``各项:购房动机 A · 资金 C · 预计成交 B``."""
    labels = {d.id: d.label for d in getattr(cls.method, "dimensions", [])}
    parts = [f"{labels.get(k, k)} {v or ('未评估' if lang == 'zh' else 'not judged')}"
             for k, v in outcome.detail["dimensions"].items()]
    return ("各项:" if lang == "zh" else "dimensions: ") + " · ".join(parts)


def due_line(grade: Grade, playbook: Playbook, lang: str) -> str:
    s = grade.schedule
    zh = lang == "zh"
    head = (f"下次跟进 {s.due}:" if zh else f"next follow-up {s.due}: ")
    if s.last_contact is None:
        return head + word("new_customer", lang) + f"({word('registered', lang)} {s.reference})"
    tier = playbook.driving.tier(grade.tier)
    cadence = tier.cadence if tier else None
    every = ""
    if cadence:
        every = word("cadence_workdays" if cadence.workdays else "cadence_days", lang,
                     n=cadence.workdays or cadence.days)
    text = head + f"{word('last_contact', lang)} {s.last_contact} + {every}"
    if s.manual_next:
        text += f";{word('manual_next', lang)} {s.manual_next}" if zh else \
            f"; {word('manual_next', lang)} {s.manual_next}"
        if s.postponed_days:
            text += (f"(比节奏晚 {s.postponed_days} 天)" if zh
                     else f" ({s.postponed_days} days beyond the cadence)")
    if grade.customer.paused_until:
        text += (f";暂停至 {grade.customer.paused_until}({grade.customer.pause_reason})" if zh
                 else f"; paused until {grade.customer.paused_until} ({grade.customer.pause_reason})")
    return text
