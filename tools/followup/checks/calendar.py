"""The calendar knows when it does not know: a due date in a year whose public holidays are
not known yet (no official data in ``chinesecalendar``, not declared by the team) is a
warning, once per year (FU511) -- otherwise Spring Festival would silently be work days.

Example: with data up to 2026, a customer due on 2027-02-08 gives
``rules/calendar.yaml: FU511 2027 年的法定节假日安排还不知道 …``.
"""

from __future__ import annotations

from followup.checks.family import Family
from followup.problems import problem

CALENDAR_FILE = "rules/calendar.yaml"


def check_calendar(workspace, grades) -> list:
    if workspace.rules is None:
        return []
    calendar = workspace.rules.calendar
    dues = [g.due for g in grades.values()]
    return [problem("FU511", CALENDAR_FILE, line=1, col=1, warning=True, year=year)
            for year in calendar.unknown_years(dues)]


FAMILY = Family("calendar", ("FU511",), check_calendar)
