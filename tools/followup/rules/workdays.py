"""Work days: the team's week, Chinese public holidays and make-up days (调休).

``rules/calendar.yaml``::

    timezone: Asia/Shanghai
    week: [mon, tue, wed, thu, fri]   # a real-estate sales office may add sat, sun
    holidays: china                   # statutory holidays and 调休 from `chinesecalendar`
    extra_holidays: [2026-12-31]      # company days off
    extra_workdays: []
    declared_years: []                # years whose holidays the team lists above itself
    roll_to_workday: true             # a due date on a day off moves to the next work day

We use the `chinesecalendar` package (kept up to date each year from the State
Council's notice) rather than a hand-written table. A year it does not know yet (the
notice comes out in November or December) is never silently a plain week: the fixed
statutory holidays (1 January, 1 May, 1-3 October) are days off in every year, the team's
``extra_holidays``/``extra_workdays`` add the rest (Spring Festival, Qingming, Dragon Boat,
Mid-Autumn and their make-up days, once announced), and ``followup check`` warns once per
year whenever a due date falls in a year without an official schedule (FU511) -- unless
the team lists that year in ``declared_years``.
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
    declared_years: frozenset = field(default_factory=frozenset)

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
        """Whether the holidays of ``day``'s year are known: official data, or declared by the
        team, or no public holidays asked for."""
        return (self.holidays != "china" or day.year in self.declared_years
                or _china_detail(day) is not None)

    def unknown_years(self, days) -> list[int]:
        """The years among ``days`` whose holiday schedule is not known (see :meth:`knows`)."""
        years = {d.year for d in days if d is not None}
        return sorted(y for y in years if not self.knows(dt.date(y, 7, 1)))


# Public holidays on fixed dates of the solar calendar, whatever the year's notice adds
# (New Year's Day, Labour Day, National Day): days off even in a year without official data.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


@functools.lru_cache(maxsize=8192)
def _china_detail(day: dt.date):
    import chinese_calendar

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
        if (day.month, day.day) in FIXED_HOLIDAYS:  # a year without official data yet
            return False
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
    declared = data.get("declared_years") or []
    years = set()
    for i, year in enumerate(declared if isinstance(declared, list) else [declared]):
        if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 9999:
            years.add(year)
        else:
            problems.append(problem("FU510", file, path=("declared_years", i), reason="year",
                                    value=str(year)))
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
                    extras["extra_workdays"], bool(data.get("roll_to_workday", True)),
                    frozenset(years)), problems
