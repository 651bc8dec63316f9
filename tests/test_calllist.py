"""The call list (seed 003 "每日 call list"): capacity, priority, roll-over, holidays, as-of dates.

Each test writes the customer files a salesperson would write, with the next contact
date set by hand (``next:``) so the due date is exactly what the test says.
"""

from __future__ import annotations

import datetime as dt

import pytest

from followup.engine.calllist import call_day, plan, today
from followup.engine.grading import grade_all
from followup.store.workspace import load_workspace

D = dt.date
LAST = D(2026, 9, 1)

TEAM = """\
default_capacity: 60
salespeople:
  - {id: li-ming, name: 李明, capacity: 2}
  - {id: wang-fang, name: 王芳, capacity: 3}
"""


def write(repo, cid, *, owner="li-ming", due, need="clear", close_in=20, stage="1", last=LAST):
    """One customer whose next contact was set by hand to ``due``."""
    close = last + dt.timedelta(days=close_in)
    (repo / "customers" / f"{cid}.md").write_text(
        f"""\
---
id: {cid}
name: 客户{cid}
owner: {owner}
registered: 2026-08-01
stage: "{stage}"
need: {need}
expected_close: {close}
log:
  - {{date: {last}, channel: 电话, by: {owner}, note: 联系, next: {due}}}
---
""",
        encoding="utf-8",
    )


SEED_003_PRIORITY = """\
priority:
  - {when: {fact: stage, in: ["4", "5"]}, label: {zh: 销售进程 4–5, en: stage 4–5}}
  - {when: {fact: stage, is: "7"}, label: {zh: 合同已到期, en: contract expired}}
"""


def set_priority(repo, text: str) -> None:
    """Replace the preset's priority section (the last key of the file) with ``text``."""
    book = repo / "rules" / "presets" / "s1-ae-tracking.yaml"
    lines = book.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next((i for i, line in enumerate(lines) if line.startswith("priority:")), len(lines))
    book.write_text("".join(lines[:cut]) + text, encoding="utf-8")


@pytest.fixture
def repo(empty_repo):
    (empty_repo / "rules" / "team.yaml").write_text(TEAM, encoding="utf-8")
    set_priority(empty_repo, SEED_003_PRIORITY)
    return empty_repo


def lists(repo, as_of, days=1, owner=None):
    ws = load_workspace(repo, as_of)
    assert not [p for p in ws.problems if p.is_error], ws.problems
    grades = grade_all(ws.customers, ws.rules.playbook, ws.rules.calendar)
    return plan(grades, ws.rules.playbook, ws.rules.team, ws.rules.calendar, as_of, days, owner)


def ids(items):
    return [i.customer.id for i in items]


def test_the_list_is_cut_at_capacity_and_the_rest_rolls_to_the_next_work_day(repo):
    for n in range(5):
        write(repo, f"c{n}", due=D(2026, 11, 16 + n))  # Mon..Fri
    day = lists(repo, D(2026, 11, 20))["li-ming"][0]  # Friday, capacity 2
    assert day.day == D(2026, 11, 20)
    assert len(day.calls) == 2
    assert ids(day.calls) == ["c0", "c1"]  # same tier: most overdue first
    assert ids(day.rolled) == ["c2", "c3", "c4"]
    assert day.rolled_to == D(2026, 11, 23)  # Monday


def test_priority_rules_come_before_tier_and_tier_before_days_overdue(repo):
    write(repo, "a-overdue", due=D(2026, 11, 2))  # tier A, 18 days overdue
    write(repo, "a-today", due=D(2026, 11, 20))  # tier A, due today
    write(repo, "d-stage5", need="potential", stage="5", due=D(2026, 11, 20))  # tier D, stage 5
    write(repo, "e-expired", need="none", stage="7", due=D(2026, 11, 19))  # tier E, contract expired
    write(repo, "b-old", close_in=60, due=D(2026, 10, 1))  # tier B, very overdue
    write(repo, "x-later", due=D(2026, 11, 23))  # not due yet
    days = lists(repo, D(2026, 11, 20), days=3)["li-ming"]
    first, second, third = days
    # stage 4–5 first, then expired contract (stage 7), whatever their tier
    assert ids(first.calls) == ["d-stage5", "e-expired"]
    assert first.calls[0].reason == "销售进程 4–5"
    # rolled over: tier A before B; within A the most overdue first
    assert ids(first.rolled) == ["a-overdue", "a-today", "b-old"]
    assert second.day == D(2026, 11, 23)
    assert ids(second.calls) == ["a-overdue", "a-today"]
    assert ids(third.calls) == ["x-later", "b-old"]  # A (due that Monday) before the old B


def test_capacity_is_per_salesperson(repo):
    for n in range(4):
        write(repo, f"l{n}", due=D(2026, 11, 20))
        write(repo, f"w{n}", owner="wang-fang", due=D(2026, 11, 20))
    result = lists(repo, D(2026, 11, 20))
    assert len(result["li-ming"][0].calls) == 2
    assert len(result["wang-fang"][0].calls) == 3
    assert len(lists(repo, D(2026, 11, 20), owner="wang-fang")) == 1


def test_nothing_is_called_during_national_day_the_list_is_for_the_next_work_day(repo):
    write(repo, "before", due=D(2026, 9, 30))
    write(repo, "during", due=D(2026, 10, 3))
    write(repo, "after", due=D(2026, 10, 9))
    days = lists(repo, D(2026, 10, 1), days=3)["li-ming"]
    assert [d.day for d in days] == [
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
    ]  # 10-10 is a 调休 Saturday
    assert ids(days[0].calls) == ["before", "during"]
    assert ids(days[1].calls) == ["after"]


def test_rolled_over_calls_go_to_the_make_up_work_day(repo):
    for n in range(3):
        write(repo, f"c{n}", due=D(2026, 10, 9))
    day = lists(repo, D(2026, 10, 9))["li-ming"][0]
    assert len(day.rolled) == 1
    assert day.rolled_to == D(2026, 10, 10)  # Saturday, but an official work day in 2026


def test_the_as_of_date_decides_what_is_due(repo):
    write(repo, "soon", due=D(2026, 11, 25))
    assert ids(lists(repo, D(2026, 11, 24))["li-ming"][0].calls) == []
    assert ids(lists(repo, D(2026, 11, 25))["li-ming"][0].calls) == ["soon"]
    assert lists(repo, D(2026, 11, 26))["li-ming"][0].calls[0].overdue_days(D(2026, 11, 26)) == 1
    # a weekend as-of date plans Monday
    weekend = lists(repo, D(2026, 11, 28))["li-ming"][0]
    assert weekend.day == D(2026, 11, 30)


def test_archived_customers_are_not_called(repo):
    write(repo, "gone", due=D(2026, 11, 2))
    path = repo / "customers" / "gone.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("log:", "archived: {date: 2026-11-03, reason: 倒闭}\nlog:"),
        encoding="utf-8",
    )
    assert lists(repo, D(2026, 11, 20))["li-ming"][0].calls == []


def test_call_day_and_today_helper(repo):
    write(repo, "c", due=D(2026, 11, 20))
    ws = load_workspace(repo, D(2026, 11, 21))
    grades = grade_all(ws.customers, ws.rules.playbook, ws.rules.calendar)
    assert call_day(D(2026, 11, 21), ws.rules.calendar) == D(2026, 11, 23)
    assert ids(today(grades, ws.rules, D(2026, 11, 21))["li-ming"].calls) == ["c"]


def test_without_a_priority_key_the_seed_003_default_applies(repo):
    set_priority(repo, "")
    write(repo, "a", due=D(2026, 11, 20))
    write(repo, "d", need="potential", stage="4", due=D(2026, 11, 20))
    assert ids(lists(repo, D(2026, 11, 20))["li-ming"][0].calls) == ["d", "a"]


def test_a_playbook_priority_list_replaces_the_default_and_bad_conditions_are_problems(repo):
    set_priority(repo, "priority:\n  - {when: {fact: need, is: potential}, label: 潜在优先}\n")
    write(repo, "a", due=D(2026, 11, 20), stage="5")
    write(repo, "d", need="potential", due=D(2026, 11, 20))
    day = lists(repo, D(2026, 11, 20))["li-ming"][0]
    assert ids(day.calls) == ["d", "a"]
    assert day.calls[0].reason == "潜在优先"
    set_priority(repo, "priority:\n  - {when: {fact: nope, is: 1}}\n  - 3\n")
    ws = load_workspace(repo, D(2026, 11, 20))
    codes = sorted(p.code for p in ws.problems)
    assert codes == ["FU504", "FU506"]


def test_followup_today_prints_each_list(repo, capsys):
    from followup.cli import main

    for n in range(3):
        write(repo, f"c{n}", due=D(2026, 11, 20))
    assert main(["today", "--root", str(repo), "--as-of", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "李明(li-ming) 2026-11-20:2/2" in out
    assert "1 位顺延到 2026-11-23" in out
    assert main(["today", "--root", str(repo), "--as-of", "2026-11-20", "--owner", "nobody"]) == 1


def test_customers_in_the_public_pool_are_on_nobodys_list(repo):
    team = repo / "rules" / "team.yaml"
    team.write_text(
        team.read_text(encoding="utf-8") + "  - {id: pool, name: 公海, role: pool, capacity: 0}\n",
        encoding="utf-8",
    )
    write(repo, "pooled", owner="pool", due=D(2026, 11, 2))
    write(repo, "mine", due=D(2026, 11, 2))
    result = lists(repo, D(2026, 11, 20))
    assert "pool" not in result
    assert ids(result["li-ming"][0].calls) == ["mine"]
