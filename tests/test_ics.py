"""Calendar feeds: valid RFC 5545 as read back by a real parser (icalendar), one per
salesperson, overdue follow-ups on the as-of day, masked text, stable UIDs."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from followup.cli import graded
from followup.store.workspace import load_workspace
from followup.transfer.feeds import write_feeds
from test_import import AS_OF, example_sheet, run

TODAY = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def feeds(empty_repo, capsys):
    sheet = example_sheet(empty_repo / "客户表.xlsx")
    assert run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")[0] == 0
    code, out = run(capsys, "feeds", "--out", str(empty_repo / "cal"), "--root", str(empty_repo))
    assert code == 0, out
    return empty_repo


def parse(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_one_feed_per_salesperson_not_for_the_pool(feeds):
    names = sorted(p.name for p in (feeds / "cal").iterdir())
    assert names == ["chen-jing.ics", "li-ming.ics", "liu-yang.ics", "wang-fang.ics", "zhao-lei.ics"]


def test_feeds_are_valid_rfc5545(feeds):
    for path in (feeds / "cal").iterdir():
        raw = path.read_bytes()
        lines = raw.split(b"\r\n")
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
        assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
        cal = parse(path)
        assert cal["VERSION"] == "2.0" and cal["PRODID"]
        for event in cal.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                assert prop in event, prop
            start = event.decoded("DTSTART")
            assert type(start) is dt.date  # an all-day event
            assert event.decoded("DTEND") == start + dt.timedelta(days=1)
            assert event.decoded("DTSTAMP").tzinfo is not None  # UTC, as RFC 5545 requires


def test_events_follow_the_due_dates_and_overdue_ones_sit_on_the_as_of_day(feeds):
    ws = load_workspace(feeds, TODAY)
    grades = {g.customer.id: g for g in graded(ws).values()}
    seen = set()
    for path in (feeds / "cal").iterdir():
        owner = path.stem
        for event in parse(path).walk("VEVENT"):
            cid = str(event["UID"]).split(".")[0]
            grade = grades[cid]
            assert grade.customer.owner == owner
            start = event.decoded("DTSTART")
            if grade.due < TODAY:
                assert start == TODAY and "逾期" in str(event["SUMMARY"])
            else:
                assert start == grade.due and "逾期" not in str(event["SUMMARY"])
            seen.add(cid)
    assert seen == set(grades)


def test_event_text_is_masked_like_the_board(feeds):
    text = (feeds / "cal" / "li-ming.ics").read_bytes().decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "13812345678" not in unfolded and "138****5678" in unfolded
    assert "wq@hengtong.example" not in unfolded and "w***@hengtong.example" in unfolded


def test_feeds_are_reproducible_and_uids_stable(feeds, tmp_path):
    ws = load_workspace(feeds, TODAY)
    grades = graded(ws)
    first = {p.name: p.read_bytes() for p in write_feeds(ws, grades, tmp_path / "a", TODAY)}
    again = {p.name: p.read_bytes() for p in write_feeds(ws, grades, tmp_path / "b", TODAY)}
    assert first == again
    later = write_feeds(ws, grades, tmp_path / "c", TODAY + dt.timedelta(days=3))
    uids = {str(e["UID"]) for p in later for e in parse(p).walk("VEVENT")}
    assert uids == {str(e["UID"]) for p in (tmp_path / "a").iterdir() for e in parse(p).walk("VEVENT")}


def test_english_team_gets_english_text(feeds):
    settings = feeds / "rules" / "followup.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                        encoding="utf-8")
    ws = load_workspace(feeds, TODAY)
    [path] = [p for p in write_feeds(ws, graded(ws), feeds / "en", TODAY) if p.stem == "li-ming"]
    cal = parse(path)
    assert str(cal["X-WR-CALNAME"]).endswith("follow-ups")
    assert all(str(e["SUMMARY"]).startswith("Follow up") for e in cal.walk("VEVENT"))
