"""Work days: the team's week, Chinese public holidays and make-up days (调休).

``rules/calendar.yaml``::

    timezone: Asia/Shanghai
    week: [mon, tue, wed, thu, fri]   # a real-estate sales office may add sat, sun
    holidays: china                   # statutory holidays and 调休 from `chinesecalendar`
    extra_holidays: [2026-12-31]      # company days off
    extra_workdays: []
    roll_to_workday: true             # a due date on a day off moves to the next work day

We use the `chinesecalendar` package (kept up to date each year from the State
Council's notice) rather than a hand-written table; for years it does not know
yet we fall back to the plain week and say so in ``followup check`` (FU510).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followup.problems import Problem, problem

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The longest number of days a rule may count (a cadence, a protection period): a hundred
# years. Anything longer is a typo, and date arithmetic with it would fail past year 9999.
MAX_DAYS = 36_600


def days_after(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, or the last day there is: a record may hold a date as far out
    as 9999-12-31 (a typo, which ``check`` still reports), and a rule's period must not
    carry it past the end of the calendar into an error."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Asia/Shanghai"
    week: frozenset = frozenset(range(5))
    holidays: str = "china"
    extra_holidays: frozenset = field(default_factory=frozenset)
    extra_workdays: frozenset = field(default_factory=frozenset)
    roll_to_workday: bool = True

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.timezone)).date()

    def is_workday(self, day: dt.date) -> bool:
        known = self._workdays  # asked for every customer's due date: by day, not (self, day)
        answer = known.get(day)
        if answer is None:
            answer = known[day] = _is_workday(self, day)
        return answer

    @functools.cached_property
    def _workdays(self) -> dict[dt.date, bool]:
        return {}

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a work day, else the next one."""
        for _ in range(60):
            if self.is_workday(day) or day == dt.date.max:
                return day
            day = days_after(day, 1)
        return day

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        while count > 0 and day < dt.date.max:
            day = days_after(day, 1)
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Work days in (start, end]; negative if end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.is_workday(start + dt.timedelta(days=n)))

    def knows(self, day: dt.date) -> bool:
        return self.holidays != "china" or _china_detail(day) is not None


@functools.lru_cache(maxsize=8192)
def _china_detail(day: dt.date):
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    try:
        return chinese_calendar.get_holiday_detail(day), chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _is_workday(cal: Calendar, day: dt.date) -> bool:  # remembered by Calendar.is_workday
    if day in cal.extra_workdays:
        return True
    if day in cal.extra_holidays:
        return False
    if cal.holidays == "china":
        detail = _china_detail(day)
        if detail is not None:
            (is_holiday, name), official_workday = detail
            if cal.week == frozenset(range(5)):
                return official_workday
            statutory = is_holiday and name is not None
            return day.weekday() in cal.week and not statutory
    return day.weekday() in cal.week


def build_calendar(data, file: str) -> tuple[Calendar, list[Problem]]:
    problems: list[Problem] = []
    if data is None:
        return Calendar(), problems
    if not isinstance(data, dict):
        return Calendar(), [problem("FU011", file, line=1, col=1)]
    tz = data.get("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(problem("FU510", file, path=("timezone",), reason="timezone", value=str(tz)))
        tz = "Asia/Shanghai"
    week_raw = data.get("week", list(WEEKDAY_NAMES[:5]))
    week = set()
    for i, name in enumerate(week_raw if isinstance(week_raw, list) else []):
        if str(name).lower()[:3] in WEEKDAY_NAMES:
            week.add(WEEKDAY_NAMES.index(str(name).lower()[:3]))
        else:
            problems.append(problem("FU510", file, path=("week", i), reason="weekday",
                                    value=str(name)))
    if not week:
        problems.append(problem("FU510", file, path=("week",), reason="weekday", value=str(week_raw)))
        week = set(range(5))
    holidays = data.get("holidays", "china")
    if holidays not in ("china", "none"):
        problems.append(problem("FU510", file, path=("holidays",), reason="holidays",
                                value=str(holidays)))
        holidays = "china"
    extras = {}
    for key in ("extra_holidays", "extra_workdays"):
        days = data.get(key) or []
        good = set()
        for i, d in enumerate(days if isinstance(days, list) else [days]):
            if isinstance(d, dt.date) and not isinstance(d, dt.datetime):
                good.add(d)
            else:
                problems.append(problem("FU510", file, path=(key, i), reason="date", value=str(d)))
        extras[key] = frozenset(good)
    return Calendar(str(tz), frozenset(week), holidays, extras["extra_holidays"],
                    extras["extra_workdays"], bool(data.get("roll_to_workday", True))), problems
