"""What a check family declares (see :mod:`followup.checks`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str  # what ``check --only`` takes
    codes: tuple[str, ...]  # every problem code ``run`` can raise (words in text/i18n.py)
    run: Callable  # (workspace, grades by path) -> list[Problem]
    full_records: bool = False  # reads every record's log, log notes or body
