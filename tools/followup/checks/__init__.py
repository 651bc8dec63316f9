"""Cross-record check families, registered by name.

Like hledger's named checks, a team can run one family by name
(``followup check --only duplicates``). Parsing problems (YAML, record and rule
validation) are always reported: nothing else can be trusted without them.

A family is one module with a :class:`Family` value and one entry in :data:`CHECKS`.
It declares the problem codes it can raise (each has its words in
``followup.text.i18n.PROBLEMS``) and whether it reads whole records.

Whole records: ``check`` loads lean records (no body, no log notes and -- when the
playbook grades a record on its own -- no log at all; see
``followup.store.workspace.load_workspace``). A family with ``full_records`` is never
handed one: :func:`run_checks` gives it a view of the workspace whose records (and the
records of its grades) were read in full, and ``check`` loads in full from the start when
a selected family needs it (:func:`need_full_records`), so nothing is read twice. A family
without it may still look at the log of a few records through ``workspace.full_record``
(the ownership family does, for the protection period of a customer registered twice).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from followup.checks import calendar, duplicates, freshness, ownership
from followup.checks.family import Family

CHECKS: dict[str, Family] = {f.name: f for f in (duplicates.FAMILY, freshness.FAMILY,
                                                   ownership.FAMILY, calendar.FAMILY)}


def register(family: Family) -> Family:
    """Add ``family`` to the checks ``followup check`` runs."""
    if not family.name or family.name in CHECKS:
        raise ValueError(f"a check family needs a name of its own: {family.name!r}")
    CHECKS[family.name] = family
    return family


def unknown(names: Iterable[str]) -> list[str]:
    """The names that are not registered families (``check --only``)."""
    return [name for name in names if name not in CHECKS]


def selected(only: Iterable[str] | None = None) -> list[Family]:
    return [f for name, f in CHECKS.items() if not only or name in only]


def need_full_records(only: Iterable[str] | None = None) -> bool:
    """Whether the families ``check --only`` selects need records read in full."""
    return any(f.full_records for f in selected(only))


def run_checks(workspace, grades: dict, only: list[str] | None = None) -> list:
    """The problems the ``only`` families (default: all) find. None when the rules did not
    load: then no record was read, and a family may always rely on ``workspace.rules``."""
    if workspace.rules is None:
        return []
    problems: list = []
    full = None
    for family in selected(only):
        if family.full_records and workspace.lean:
            full = full or _in_full(workspace, grades)
            problems += family.run(*full)
        else:
            problems += family.run(workspace, grades)
    return problems


def _in_full(workspace, grades: dict):
    """The workspace and grades of a lean load with every record read again in full."""
    records = {c.path: workspace.full_record(c) for c in workspace.customers}
    view = dataclasses.replace(workspace, customers=list(records.values()), lean=False,
                               read_grades=None, memo={})
    return view, {path: dataclasses.replace(g, customer=records[g.customer.path])
                  for path, g in grades.items()}
