"""Declarative conditions: data, never ``eval``.

A condition is a small YAML mapping. Leaves test one fact; ``all``/``any``/``not``
combine them::

    all:
      - {fact: need, is: clear}                          # equals (a choice key or its label)
      - {fact: expected_close, days_after_contact: {max: 30}}
      - any:
          - {fact: budget, is: true}
          - {fact: deal_value, min: 100000}              # >= ; also max (<=), above (>), below (<)
      - not: {fact: stage, in: ["7"]}
      - {fact: decision_maker, present: true}
      - {count: log, where: {channel: [到访]}, min: 3}  # count follow-ups of a kind

``days_after_contact`` measures a date fact against the customer's last contact
(or registration date when there is none), so a grade never depends on today's
date. ``always`` (or ``{always: true}``) is the catch-all.

Evaluating a condition returns whether it holds and the list of leaf results
(:class:`Eval`) that made the decision — the raw material of every explanation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from followup.problems import Problem, problem

COMPARATORS = {"min": ">=", "max": "<=", "above": ">", "below": "<"}
LEAF_TESTS = ("is", "in", "not_in", "present", "days_after_contact", "days_before_contact",
              *COMPARATORS)


@dataclass(slots=True)  # not frozen: a frozen dataclass is 4x slower to make, and every
class Eval:               # graded customer makes several; nothing changes one once made
    """One leaf test and its outcome, kept for explanations."""

    ok: bool
    test: str  # is | in | not_in | present | compare | days | count | always
    subject: str  # fact name, or "log" for counts
    expected: object = None  # the tested value(s) or bounds dict
    actual: object = None  # the customer's value (None = not filled in)
    extra: dict = field(default_factory=dict, compare=False)


class Context:
    """What a condition may look at: the customer's facts, log and reference date.

    ``log`` is a list of entry mappings (date, channel, outcome, by), or a function that
    makes that list: only log-count conditions read it, so most playbooks never pay for it.
    ``explain``: whether the leaf results will be shown; when not (``check`` and ``grade``
    want only the tier), ``all`` stops at its first failing part and the methods leave out
    the "why not the next tier up".
    """

    def __init__(self, facts: dict, log, reference: dt.date | None, fact_types: dict,
                 explain: bool = True):
        self.facts = facts
        self._log = log
        self.reference = reference
        self.fact_types = fact_types
        self.explain = explain

    @property
    def log(self) -> list:
        if callable(self._log):
            self._log = self._log()
        return self._log


class Condition:
    def holds(self, ctx: Context) -> tuple[bool, list[Eval]]:
        raise NotImplementedError

    def facts_used(self) -> set[str]:
        return set()


class Always(Condition):
    def holds(self, ctx):
        return True, [Eval(True, "always", "")]


@dataclass
class All(Condition):
    parts: list

    def holds(self, ctx):
        evals, ok = [], True
        for part in self.parts:
            part_ok, part_evals = part.holds(ctx)
            ok = ok and part_ok
            evals.extend(part_evals)
            if not ok and not ctx.explain:
                break
        return ok, evals

    def facts_used(self):
        return set().union(*(p.facts_used() for p in self.parts)) if self.parts else set()


@dataclass
class Any(Condition):
    parts: list

    def holds(self, ctx):
        failures = []
        for part in self.parts:
            part_ok, part_evals = part.holds(ctx)
            if part_ok:
                return True, part_evals
            failures.extend(part_evals)
        return False, failures

    def facts_used(self):
        return set().union(*(p.facts_used() for p in self.parts)) if self.parts else set()


@dataclass
class Not(Condition):
    part: Condition

    def holds(self, ctx):
        ok, evals = self.part.holds(ctx)
        flipped = [Eval(not e.ok, e.test, e.subject, e.expected, e.actual, {**e.extra, "negated": True})
                   for e in evals]
        return not ok, flipped

    def facts_used(self):
        return self.part.facts_used()


@dataclass
class FactTest(Condition):
    fact: str
    test: str
    expected: object

    def facts_used(self):
        return {self.fact}

    def holds(self, ctx):
        actual = ctx.facts.get(self.fact)
        if self.test == "present":
            ok = (actual not in (None, "", [])) == bool(self.expected)
            return ok, [Eval(ok, "present", self.fact, self.expected, actual)]
        if actual is None or actual == "":
            return False, [Eval(False, self._kind(), self.fact, self.expected, None)]
        if self.test == "is":
            ok = _matches(actual, self.expected)
        elif self.test == "in":
            ok = any(_matches(actual, v) for v in self.expected)
        elif self.test == "not_in":
            ok = not any(_matches(actual, v) for v in self.expected)
        elif self.test in ("days_after_contact", "days_before_contact"):
            return self._days(ctx, actual)
        else:
            ok = _compare(actual, self.expected)
        return ok, [Eval(ok, self._kind(), self.fact, self.expected, actual)]

    def _kind(self) -> str:
        if self.test in ("days_after_contact", "days_before_contact"):
            return "days"
        return "compare" if isinstance(self.expected, dict) else self.test

    def _days(self, ctx, actual):
        if not isinstance(actual, dt.date) or ctx.reference is None:
            return False, [Eval(False, "days", self.fact, self.expected, None)]
        days = (actual - ctx.reference).days
        if self.test == "days_before_contact":
            days = -days
        ok = _compare(days, self.expected)
        return ok, [Eval(ok, "days", self.fact, self.expected, days,
                         {"date": actual, "direction": self.test, "reference": ctx.reference})]


@dataclass
class LogCount(Condition):
    where: dict
    bounds: dict

    def holds(self, ctx):
        count = sum(1 for entry in ctx.log if _entry_matches(entry, self.where))
        ok = _compare(count, self.bounds)
        return ok, [Eval(ok, "count", "log", self.bounds, count, {"where": self.where})]


def _entry_matches(entry: dict, where: dict) -> bool:
    for key, wanted in where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if entry.get(key) not in values:
            return False
    return True


def _matches(actual, expected) -> bool:
    if isinstance(actual, list):
        return expected in actual
    return actual == expected


def _compare(actual, bounds: dict) -> bool:
    try:
        for name, limit in bounds.items():
            op = COMPARATORS[name]
            if op == ">=" and not actual >= limit:
                return False
            if op == "<=" and not actual <= limit:
                return False
            if op == ">" and not actual > limit:
                return False
            if op == "<" and not actual < limit:
                return False
    except TypeError:
        return False
    return True


# --- compiling YAML data into conditions, with problems as values --------------------


class Compiler:
    """Turns condition data into :class:`Condition` objects, collecting problems.

    ``normalise(fact, value, path)`` is supplied by the playbook loader: it checks a
    tested value against the fact's type (so ``{fact: need, is: clear}`` fails when
    ``need`` has no choice ``clear``) and maps choice labels to their keys.
    """

    def __init__(self, file: str, facts: dict, normalise):
        self.file = file
        self.facts = facts
        self.normalise = normalise
        self.problems: list[Problem] = []

    def compile(self, data, path: tuple) -> Condition:
        if data in ("always", None) or data == {"always": True}:
            return Always()
        if isinstance(data, list):  # a bare list reads as "all of"
            return All([self.compile(item, path + (i,)) for i, item in enumerate(data)])
        if not isinstance(data, dict):
            return self._bad(path, "a mapping such as {fact: need, is: clear}")
        if len(data) == 1 and next(iter(data)) in ("all", "any"):
            (kind, items), = data.items()
            if not isinstance(items, list) or not items:
                return self._bad(path + (kind,), "a non-empty list of conditions")
            parts = [self.compile(item, path + (kind, i)) for i, item in enumerate(items)]
            return All(parts) if kind == "all" else Any(parts)
        if len(data) == 1 and "not" in data:
            return Not(self.compile(data["not"], path + ("not",)))
        if "count" in data:
            return self._count(data, path)
        if "fact" in data:
            return self._fact(data, path)
        return self._bad(path, "one of fact:, count:, all:, any:, not:, always")

    def _fact(self, data: dict, path: tuple) -> Condition:
        fact = data["fact"]
        if not isinstance(fact, str) or fact not in self.facts:
            self.problems.append(problem("FU504", self.file, path=path + ("fact",), fact=str(fact)))
            return Always()
        tests = [k for k in data if k != "fact"]
        unknown = [k for k in tests if k not in LEAF_TESTS]
        if unknown or not tests:
            return self._bad(path, "a test: is, in, not_in, present, min, max, above, below, "
                                   "days_after_contact, days_before_contact")
        bounds = {k: data[k] for k in tests if k in COMPARATORS}
        others = [k for k in tests if k not in COMPARATORS]
        if (bounds and others) or len(others) > 1:
            return self._bad(path, "one test per condition (combine with all:)")
        if bounds:
            return FactTest(fact, "compare", self._bounds(bounds, path))
        test = others[0]
        value = data[test]
        if test in ("days_after_contact", "days_before_contact"):
            if not isinstance(value, dict) or not value or set(value) - set(COMPARATORS):
                return self._bad(path + (test,), "bounds such as {max: 30} or {min: 31, max: 90}")
            return FactTest(fact, test, self._bounds(value, path + (test,)))
        if test == "present":
            return FactTest(fact, "present", bool(value))
        if test in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                return self._bad(path + (test,), "a non-empty list of values")
            return FactTest(fact, test, [self.normalise(fact, v, path + (test, i))
                                         for i, v in enumerate(value)])
        return FactTest(fact, "is", self.normalise(fact, value, path + (test,)))

    def _count(self, data: dict, path: tuple) -> Condition:
        if data.get("count") != "log":
            return self._bad(path + ("count",), "count: log")
        where = data.get("where", {})
        if not isinstance(where, dict):
            return self._bad(path + ("where",), "a mapping such as {channel: [到访]}")
        bounds = {k: v for k, v in data.items() if k in COMPARATORS}
        extra = set(data) - {"count", "where"} - set(COMPARATORS)
        if extra or not bounds:
            return self._bad(path, "count: log with where: and min:/max:")
        return LogCount(where, self._bounds(bounds, path))

    def _bounds(self, bounds: dict, path: tuple) -> dict:
        for key, value in bounds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float, dt.date)):
                self.problems.append(problem("FU506", self.file, path=path + (key,),
                                             expected="a number"))
        return bounds

    def _bad(self, path: tuple, expected: str) -> Condition:
        self.problems.append(problem("FU506", self.file, path=path, expected=expected))
        return Always()
