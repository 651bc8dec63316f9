"""Engine addition for the presets: ``aim: false`` marks a first-match dead end.

Seed 004's ten levels put A31 明确拒绝 between A07 不拒绝 and A08 范围级. A refusal is never the
step to aim for, so the "why not" of an A08 customer must name A07, skipping A31.
"""

from __future__ import annotations

import datetime as dt

from followup.rules.conditions import Context
from followup.rules.playbook import build_playbook

BOOK = {
    "facts": {"answer": {"type": "choice", "choices": ["yes", "no", "maybe"]},
              "known": {"type": "bool"}},
    "classifications": {"level": {
        "method": "first-match", "drives_followup": True,
        "tiers": [
            {"id": "A07", "cadence": {"days": 30}, "when": {"fact": "answer", "is": "maybe"}},
            {"id": "A31", "cadence": {"days": 180}, "aim": False,
             "when": {"fact": "answer", "is": "no"}},
            {"id": "A08", "cadence": {"days": 7}, "when": {"fact": "known", "is": True}},
            {"id": "A21", "cadence": {"days": 14}, "when": "always"},
        ]}},
}


def grade(facts: dict, book=BOOK):
    playbook, problems = build_playbook(book, "rules/presets/x.yaml")
    assert not problems
    ctx = Context(facts, [], dt.date(2026, 11, 10), {})
    return playbook.classifications["level"].method.grade("level", ctx)


def test_next_tier_up_skips_a_dead_end():
    outcome = grade({"known": True})
    assert outcome.tier == "A08"
    assert outcome.next_up == "A07"
    assert [e.subject for e in outcome.why_not] == ["answer"]
    assert [e.expected for e in outcome.why_not] == ["maybe"]


def test_the_dead_end_itself_still_grades_and_has_a_next_tier():
    outcome = grade({"answer": "no", "known": True})
    assert outcome.tier == "A31"
    assert outcome.next_up == "A07"


def test_without_aim_the_next_tier_is_the_one_above():
    book = {**BOOK, "classifications": {"level": {
        **BOOK["classifications"]["level"],
        "tiers": [{k: v for k, v in t.items() if k != "aim"}
                  for t in BOOK["classifications"]["level"]["tiers"]]}}}
    assert grade({"known": True}, book).next_up == "A31"


def test_aim_must_be_a_boolean():
    book = {**BOOK, "classifications": {"level": {
        **BOOK["classifications"]["level"],
        "tiers": [{**t, "aim": "no"} if t["id"] == "A31" else t
                  for t in BOOK["classifications"]["level"]["tiers"]]}}}
    _, problems = build_playbook(book, "rules/presets/x.yaml")
    assert [(p.code, p.key_path) for p in problems] == [
        ("FU508", ("classifications", "level", "tiers", 1, "aim"))]
