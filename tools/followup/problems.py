"""Problems are values, not exceptions.

Every check returns a list of :class:`Problem`. A problem has a stable code,
a file and (where known) a line and column, a message and a hint. Messages are
looked up in :mod:`followup.text.i18n` at report time, so the core never formats
text for a particular language.

A check that works on parsed data does not know line numbers; it attaches the
``key_path`` of the offending value (for example ``("log", 2, "date")``) and
the reporting edge resolves it to ``line:col`` by re-reading that one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    line: int = 0
    col: int = 0
    params: dict = field(default_factory=dict, compare=False, hash=False)
    key_path: tuple = ()
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def at(self, line: int, col: int) -> Problem:
        return replace(self, line=line, col=col)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.code)


def problem(code: str, file: str, *, path: tuple = (), line: int = 0, col: int = 0,
            warning: bool = False, **params) -> Problem:
    """Shorthand used by every check: ``problem("FU105", f, path=("owner",), owner=x)``."""
    return Problem(
        code=code,
        file=file,
        line=line,
        col=col,
        params=params,
        key_path=tuple(path),
        severity=Severity.WARNING if warning else Severity.ERROR,
    )


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)
