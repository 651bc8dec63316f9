"""Due dates a salesperson can trust, and explanations a salesperson can act on.

All with the default playbook (S1, seed 000) and the shipped calendar (Chinese holidays).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from followup.cli import main
from followup.engine.grading import grade_all
from followup.engine.records import parse_customer
from followup.rules.load import load_rules
from followup.store import yaml12
from followup.text.explain import explain_lines

REPO = Path(__file__).resolve().parent.parent
RULES, _ = load_rules(REPO)
D = dt.date


def grade(yaml_text: str):
    data = yaml12.load_fast(yaml_text)
    customer, problems = parse_customer(data, f"customers/{data['id']}.md", RULES.playbook, RULES.team)
    assert [p.code for p in problems if p.is_error] == []
    return grade_all([customer], RULES.playbook, RULES.calendar)[customer.path]


BASE = """
id: c1
name: 孙建国
owner: li-ming
registered: 2026-11-02
need: clear
expected_close: 2026-12-31
"""


def with_log(*entries: str) -> str:
    return BASE + "log:\n" + "".join(f"  - {e}\n" for e in entries)


def test_a_new_customer_is_due_on_the_day_of_registration():
    g = grade(BASE)
    # no contact yet: "within N days" counts from registration (12-31 is 59 days after 11-02)
    assert (g.tier, g.due, g.schedule.last_contact) == ("B", D(2026, 11, 2), None)


def test_due_is_last_real_contact_plus_the_tiers_cadence():
    # close 2026-12-31 is 51 days after 2026-11-10: B, weekly → 2026-11-17 (a Tuesday)
    g = grade(with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 确认预算}"))
    assert (g.tier, g.due) == ("B", D(2026, 11, 17))


def test_an_attempt_that_did_not_reach_the_customer_does_not_reset_the_cadence():
    g = grade(with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 确认预算}",
                       "{date: 2026-11-16, channel: 未接通, by: li-ming, note: 没人接}",
                       "{date: 2026-11-16, channel: 备注, by: li-ming, note: 客户资料补充}"))
    assert (g.schedule.last_contact, g.due) == (D(2026, 11, 10), D(2026, 11, 17))


def test_a_due_date_on_a_day_off_moves_to_the_next_work_day():
    # A (daily): last call Friday 2026-11-20 → Saturday → Monday 2026-11-23
    text = with_log("{date: 2026-11-20, channel: 电话, by: li-ming, note: 谈合同}").replace(
        "2026-12-31", "2026-12-10")
    g = grade(text)
    assert (g.tier, g.due) == ("A", D(2026, 11, 23))


def test_national_day_holidays_are_skipped_and_the_make_up_saturday_is_a_work_day():
    # A (daily) after a call on 2026-09-30: 10-01..10-07 are holidays → 2026-10-08
    text = with_log("{date: 2026-09-30, channel: 电话, by: li-ming, note: 节前确认}").replace(
        "2026-11-02", "2026-09-01").replace("2026-12-31", "2026-10-20")
    assert grade(text).due == D(2026, 10, 8)


def test_a_hand_set_next_date_wins_and_the_postponement_is_recorded():
    g = grade(with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 春节后, next: 2027-02-22}"))
    assert g.due == D(2027, 2, 22)
    assert g.schedule.cadence_due == D(2026, 11, 17)
    assert g.schedule.postponed_days == 97


def test_a_later_real_contact_without_next_returns_to_the_cadence():
    g = grade(with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 下周再说, next: 2026-11-30}",
                       "{date: 2026-11-12, channel: 微信, by: li-ming, note: 客户主动联系}"))
    assert (g.due, g.schedule.manual_next) == (D(2026, 11, 19), None)


def test_a_paused_customer_is_not_due_before_the_pause_ends():
    text = with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 出国}") + \
        "paused: {until: 2026-12-05, reason: 客户出国考察}\n"
    assert grade(text).due == D(2026, 12, 5)


@pytest.mark.parametrize(("close", "tier"), [
    ("2026-12-10", "A"), ("2026-12-11", "B"), ("2027-02-08", "B"), ("2027-02-09", "C"),
    ("2027-05-09", "C"), ("2027-05-10", "D"),
])
def test_tier_boundaries_count_days_from_the_last_contact(close, tier):
    # last contact 2026-11-10: A ≤ 30 days (12-10), B ≤ 90 (02-08), C ≤ 180 (05-09)
    text = with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: x}").replace("2026-12-31", close)
    assert grade(text).tier == tier


def test_explanation_says_why_and_why_not_the_next_tier_up():
    g = grade(with_log("{date: 2026-11-10, channel: 电话, by: li-ming, note: 确认预算}"))
    assert explain_lines(g, RULES.playbook, "zh") == [
        "孙建国 (c1) — 客户等级: B 三个月内成交",
        "原因:",
        "  ✓ 需求 = 明确需求",
        "  ✓ 预计成交日期 2026-12-31 在最近联系后 51 天(需要 ≤ 90)",
        "为什么不是 A:",
        "  ✗ 预计成交日期 2026-12-31 在最近联系后 51 天(需要 ≤ 30)",
        "下次跟进 2026-11-17:最近联系 2026-11-10 + 每 7 天",
    ]
    assert explain_lines(g, RULES.playbook, "en")[4:6] == [
        "why not A:",
        "  ✗ expected close date 2026-12-31 is 51 days after the last contact (needs ≤ 30)",
    ]


def test_explain_command_prints_reasons_for_a_sample_customer(sample_repo, capsys):
    assert main(["explain", "shenzhen-led", "--root", str(sample_repo), "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    assert "深圳光明照明 (shenzhen-led) — 客户等级: C 半年内成交" in out
    assert "为什么不是 B:" in out
    assert "手动设定的下次联系 2027-01-01(比节奏晚 30 天)" in out


def test_stored_values_do_not_depend_on_today(sample_repo, capsys):
    for day in ("2026-11-22", "2027-06-01"):
        assert main(["check", "--root", str(sample_repo), "--as-of", day, "--only", "freshness"]) == 0


def test_the_shipped_samples_cover_every_tier_and_several_owners(sample_repo, capsys):
    assert main(["list", "--root", str(sample_repo), "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    counts = {line.split()[1]: line for line in out.splitlines() if line.startswith("## ")}
    assert set(counts) == {"A", "B", "C", "D", "E"}
    assert "逾期" in out
    owners = {p.read_text(encoding="utf-8").split("owner: ")[1].split("\n")[0]
              for p in (sample_repo / "customers").glob("*.md")}
    assert len(owners) >= 4
    assert len(list((sample_repo / "customers").glob("*.md"))) >= 40
