"""Engine addition for the presets: ``aim: false`` marks a first-match dead end.

Seed 004's ten levels put A31 明确拒绝 between A07 不拒绝 and A08 范围级. A refusal is never the
step to aim for, so the "why not" of an A08 customer must name A07, skipping A31.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

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


def test_tier_numbers_must_be_numbers():
    """``up_to``, ``min_points`` and ``win_rate`` are compared and sorted: anything but a
    number is FU508 at its key, not a crash while ranking or scoring."""
    from followup.store import yaml12

    text = (Path(__file__).resolve().parent.parent / "rules" / "presets" / "s9-pareto-rfm.yaml")
    book = yaml12.load_fast(text.read_text(encoding="utf-8"))
    cls_id = next(k for k, c in book["classifications"].items() if c["method"] == "rank")
    for key, value in (("up_to", [1, 2]), ("up_to", float("nan")), ("min_points", "ten"),
                       ("win_rate", True)):
        broken = copy.deepcopy(book)
        broken["classifications"][cls_id]["tiers"][0][key] = value
        _, problems = build_playbook(broken, "rules/presets/s9-pareto-rfm.yaml")
        assert [(p.code, p.key_path) for p in problems if p.code == "FU508"] == \
            [("FU508", ("classifications", cls_id, "tiers", 0, key))], (key, value)


def test_a_condition_on_a_fact_that_is_not_a_name_is_an_unknown_fact():
    book = copy.deepcopy(BOOK)
    book["classifications"]["level"]["tiers"][0]["when"] = {"fact": ["answer"], "is": "maybe"}
    _, problems = build_playbook(book, "rules/presets/x.yaml")
    assert [(p.code, p.key_path) for p in problems] == \
        [("FU504", ("classifications", "level", "tiers", 0, "when", "fact"))]
