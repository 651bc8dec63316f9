"""The calendar knows when it does not know (issue 13): years without official holiday data."""

from __future__ import annotations

import datetime as dt

from conftest import make_repo
from followup.cli import main
from followup.rules.workdays import build_calendar

D = dt.date


def calendar(**data):
    cal, problems = build_calendar({"timezone": "Asia/Shanghai", **data}, "rules/calendar.yaml")
    assert problems == []
    return cal


def test_fixed_statutory_holidays_are_off_in_a_year_without_official_data():
    cal = calendar()
    assert not cal.knows(D(2027, 1, 4))
    # 2027-10-01 is a Friday: Fri and Sat are statutory, Sun the weekend, then the plain week
    assert [cal.is_workday(D(2027, 10, d)) for d in range(1, 9)] == \
        [False, False, False, True, True, True, True, True]
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.next_workday(D(2027, 9, 30)) == D(2027, 9, 30)
    assert cal.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 4)


def test_official_data_is_used_where_there_is_some():
    cal = calendar()
    assert cal.knows(D(2026, 10, 8))
    assert not cal.is_workday(D(2026, 10, 7))  # National Day week of 2026 (a Wednesday)
    assert cal.is_workday(D(2026, 9, 20))  # a Sunday made a work day (调休)
    assert cal.is_workday(D(2026, 10, 10))  # a Saturday made a work day


def test_the_team_declares_a_year_and_its_days():
    cal = calendar(extra_holidays=[D(2027, 2, 8), D(2027, 2, 9)], extra_workdays=[D(2027, 2, 20)],
                   declared_years=[2027])
    assert cal.knows(D(2027, 2, 8))
    assert not cal.is_workday(D(2027, 2, 8)) and cal.is_workday(D(2027, 2, 20))
    assert cal.unknown_years([D(2027, 3, 1), D(2028, 1, 5), None]) == [2028]


def test_a_bad_declared_year_is_a_problem():
    _, problems = build_calendar({"declared_years": ["2027年"]}, "rules/calendar.yaml")
    assert [(p.code, p.key_path) for p in problems] == [("FU510", ("declared_years", 0))]


def test_check_warns_once_for_a_year_without_a_schedule(tmp_path, capsys):
    root = make_repo(tmp_path / "repo")
    # grade and judge as of late December 2026: daily and weekly customers fall due in 2027
    assert main(["grade", "--write", "--root", str(root), "--as-of", "2026-12-28"]) == 0
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--as-of", "2026-12-28", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.count("FU511") == 1, out
    assert "rules/calendar.yaml:1:1: FU511 2027 年的法定节假日安排还不知道" in out
    (root / "rules/calendar.yaml").write_text(
        (root / "rules/calendar.yaml").read_text(encoding="utf-8") + "declared_years: [2027]\n",
        encoding="utf-8")
    assert main(["check", "--root", str(root), "--as-of", "2026-12-28", "--no-cache"]) == 0
    assert "FU511" not in capsys.readouterr().out
