"""Conditions as sentences: the one renderer of the playbook's tests, for people.

Two forms of the same test share their pieces (a fact's label, a value's label, the bounds):

* :meth:`Sentences.rule` states a condition as written in the playbook — the board's rules
  page (``需求 ∈ {明确需求、潜在需求}``, ``预计成交日期 在最近联系后 ≤ 30 天``);
* :meth:`Sentences.outcome` states one evaluated test of one customer, with the value it found —
  ``followup explain`` and the customer pages (``预计成交日期 2027-01-15 在最近联系后 56 天(需要 ≤ 90)``).

Every word comes from the catalogue (:mod:`followup.text`), every label from the playbook in the
chosen language.
"""

from __future__ import annotations

from followup.rules import conditions as cond
from followup.rules.conditions import COMPARATORS, Eval
from followup.text import label, say

SYMBOLS = {"min": "≥", "max": "≤", "above": ">", "below": "<"}


def number(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else str(v)


class Sentences:
    def __init__(self, playbook, lang: str):
        self.playbook, self.lang = playbook, lang

    def say(self, key: str, **params) -> str:
        return say(key, self.lang, **params)

    def join(self, items) -> str:
        return self.say("list_sep").join(items)

    # --- the shared pieces ------------------------------------------------------------------

    def fact_label(self, name: str) -> str:
        if name == "stage":
            return self.say("stage")
        fact = self.playbook.facts.get(name)
        return label(fact.label, self.lang) if fact else name

    def value(self, name: str, value) -> str:
        """A fact's value as people read it: the choice's or stage's label, a number with
        thousands separators, yes/no."""
        if value is None or value == "":
            return self.say("not_filled")
        if isinstance(value, list):
            return self.join(self.value(name, v) for v in value)
        if isinstance(value, bool):
            return self.say("yes" if value else "no")
        fact = self.playbook.facts.get(name)
        if fact and fact.choices and str(value) in fact.choices:
            return label(fact.choices[str(value)], self.lang)
        if name == "stage":
            stage = self.playbook.stage(value)
            if stage:
                text = label(stage.label, self.lang)
                return f"{stage.id} {text}" if text != stage.id else stage.id
        return number(value) if isinstance(value, int | float) else str(value)

    def bounds(self, bounds: dict) -> str:
        return self.say("cond.and").join(
            f"{SYMBOLS[k]} {number(v)}" for k, v in bounds.items() if k in COMPARATORS)

    def where(self, where: dict) -> str:
        """The log entries a count counts (``电话、拜访``), or "follow-up" for all of them."""
        values = [str(v) for vals in where.values() for v in (vals if isinstance(vals, list) else [vals])]
        return self.join(values) or self.say("cond.follow_up")

    # --- a condition as written ---------------------------------------------------------------

    def rule(self, c) -> str:
        if c is None:
            return self.say("none")
        if isinstance(c, cond.Always):
            return self.say("always")
        if isinstance(c, cond.All | cond.Any):
            joiner = self.say("cond.and" if isinstance(c, cond.All) else "cond.or")
            return joiner.join(self._part(p) for p in c.parts)
        if isinstance(c, cond.Not):
            return self.say("cond.not_rule", text=self._part(c.part))
        if isinstance(c, cond.LogCount):
            return self.say("cond.count_rule", what=self.where(c.where), bounds=self.bounds(c.bounds))
        if isinstance(c, cond.FactTest):
            return self._fact_rule(c)
        return str(c)

    def _part(self, c) -> str:
        text = self.rule(c)
        return f"({text})" if isinstance(c, cond.All | cond.Any) else text

    def _fact_rule(self, c) -> str:
        name = self.fact_label(c.fact)
        if c.test == "is":
            return f"{name} = {self.value(c.fact, c.expected)}"
        if c.test in ("in", "not_in"):
            sign = "∈" if c.test == "in" else "∉"
            return f"{name} {sign} {{{self.join(self.value(c.fact, v) for v in c.expected)}}}"
        if c.test == "present":
            return self.say("cond.filled" if c.expected else "cond.empty", label=name)
        if c.test in ("days_after_contact", "days_before_contact"):
            key = "cond.days_after_rule" if c.test == "days_after_contact" else "cond.days_before_rule"
            return self.say(key, label=name, bounds=self.bounds(c.expected))
        return f"{name} {self.bounds(c.expected)}"

    # --- one evaluated test ---------------------------------------------------------------------

    def outcome(self, ev: Eval) -> str:
        """One line for one leaf test, without the ✓/✗ mark. A negated test is worded as the
        test itself behind "并非:" (``✗ 并非:有违约记录 = 是``): the mark says if "not" held."""
        if ev.extra.get("negated"):
            inner = Eval(True, ev.test, ev.subject, ev.expected, ev.actual,
                         {k: v for k, v in ev.extra.items() if k != "negated"})
            return self.say("cond.not_outcome", text=self.outcome(inner))
        if ev.test == "always":
            return self.say("always")
        name = self.fact_label(ev.subject)
        actual = self.value(ev.subject, ev.actual)
        if ev.test == "is":
            expected = self.value(ev.subject, ev.expected)
            text = f"{name} = {expected}" if ev.ok else self.say(
                "cond.is_failed", label=name, actual=actual, expected=expected)
        elif ev.test in ("in", "not_in"):
            options = self.join(self.value(ev.subject, v) for v in ev.expected)
            text = self.say(f"cond.{ev.test}", label=name, actual=actual, options=options)
        elif ev.test == "present":
            filled = ev.actual not in (None, "", [])
            text = self.say("cond.filled" if filled else "cond.empty", label=name)
        elif ev.test == "compare":
            text = self.say("cond.compare", label=name, actual=actual, bounds=self.bounds(ev.expected))
        elif ev.test == "days":
            text = self._days(ev, name)
        elif ev.test == "count":
            what = self.where(ev.extra.get("where", {})) if ev.expected else self.say("cond.follow_up")
            text = self.say("cond.count", what=what, actual=ev.actual, bounds=self.bounds(ev.expected))
        elif ev.test == "rank":
            text = self._rank(ev, name, actual)
        else:
            text = f"{name}: {actual}"
        if "points" in ev.extra:
            key = "cond.points_won" if ev.ok else "cond.points_open"
            text += self.say(key, points=ev.extra["points"])
        return text

    def _days(self, ev: Eval, name: str) -> str:
        bounds = self.bounds(ev.expected)
        if ev.actual is None:
            return self.say("cond.days_missing", label=name, bounds=bounds)
        after = ev.extra.get("direction") == "days_after_contact"
        key = "cond.days_after" if after else "cond.days_before"
        return self.say(key, label=name, date=ev.extra.get("date"), n=ev.actual, bounds=bounds)

    def _rank(self, ev: Eval, name: str, actual: str) -> str:
        share = ev.extra.get("share_before")
        if ev.actual in (None, 0) or share is None:
            return self.say("cond.rank_none", label=name, actual=actual)
        key = "cond.rank_value" if ev.expected.get("basis") == "value" else "cond.rank_count"
        return self.say(key, label=name, actual=actual, share=f"{share * 100:.0f}%")

    def marked(self, ev: Eval) -> str:
        return f"{'✓' if ev.ok else '✗'} {self.outcome(ev)}"
