"""The I/O edge: find a followup repository, read its rules and customer files.

Everything below this module is pure. Loading never raises for bad user data:
every problem is collected, and :func:`locate` turns key paths into line:col by
re-reading only the files that have problems.

Layout::

    rules/followup.yaml   which playbook is active (optional; defaults documented)
    rules/presets/*.yaml  playbooks
    rules/team.yaml       salespeople (required)
    rules/pipeline.yaml   sales stages with win rates (optional)
    rules/calendar.yaml   work days and holidays (optional)
    customers/**/*.md     one file per customer (README.md and _*.md are skipped)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import document, yaml12
from .problems import Problem, problem
from .records import Customer, parse_customer
from .rules.playbook import Playbook, build_pipeline, build_playbook
from .rules.settings import Settings, build_settings
from .rules.team import Team, build_team
from .workdays import Calendar, build_calendar

SKIPPED_NAMES = {"readme.md", "index.md"}


class NotARepository(Exception):
    """The tool cannot run here at all (exit code 2)."""


@dataclass
class Rules:
    settings: Settings
    playbook: Playbook
    team: Team
    calendar: Calendar


@dataclass
class Source:
    """Enough of a file to turn a key path into a line and column."""

    yaml_text: str
    first_line: int
    _node: object = field(default=None, repr=False)

    def locate(self, key_path: tuple) -> tuple[int, int]:
        if self._node is None:
            try:
                self._node = yaml12.compose(self.yaml_text)
            except yaml12.YamlError as exc:
                return exc.line + self.first_line - 1, exc.col
        line, col = yaml12.locate_in(self._node, key_path)
        return line + self.first_line - 1, col


@dataclass
class Workspace:
    root: Path
    rules: Rules | None
    customers: list[Customer] = field(default_factory=list)
    documents: dict[str, document.Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    as_of: dt.date | None = None

    def customer(self, cid: str) -> Customer | None:
        return next((c for c in self.customers if c.id == cid), None)

    def erroneous_files(self) -> set[str]:
        return {p.file for p in self.problems if p.is_error}


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "rules").is_dir() and (candidate / "customers").is_dir():
            return candidate
    raise NotARepository(str(here))


def relpath(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _read_yaml_file(root: Path, rel: str, sources: dict, required: bool):
    path = root / rel
    if not path.is_file():
        if required:
            return None, [problem("FU501", rel, line=1, col=1, detail=rel)]
        return None, []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [problem("FU001", rel, line=1, col=1, byte="?")]
    sources[rel] = Source(text, 1)
    try:
        return yaml12.load_fast(text), []
    except yaml12.YamlError as exc:
        return None, [problem(exc.code, rel, line=exc.line, col=exc.col, detail=exc.detail)]


def load_rules(root: Path, sources: dict | None = None) -> tuple[Rules | None, list[Problem]]:
    sources = {} if sources is None else sources
    problems: list[Problem] = []
    data, found = _read_yaml_file(root, "rules/followup.yaml", sources, required=False)
    problems += found
    settings, found = build_settings(data, "rules/followup.yaml")
    problems += found
    book_rel = (Path("rules") / settings.playbook).as_posix()
    data, found = _read_yaml_file(root, book_rel, sources, required=True)
    if data is None and found and found[0].code == "FU501" and (root / "rules/followup.yaml").is_file():
        # point at the line that names the missing file, not at a file that does not exist
        found = [problem("FU501", "rules/followup.yaml", path=("playbook",), detail=book_rel)]
    problems += found
    playbook = None
    if data is not None:
        playbook, found = build_playbook(data, book_rel)
        problems += found
    data, found = _read_yaml_file(root, "rules/pipeline.yaml", sources, required=False)
    problems += found
    stages, found = build_pipeline(data, "rules/pipeline.yaml")
    problems += found
    if playbook is not None:
        playbook.stages = stages
    data, found = _read_yaml_file(root, "rules/team.yaml", sources, required=True)
    problems += found
    team, found = build_team(data, "rules/team.yaml") if data is not None else (Team({}), [])
    problems += found
    data, found = _read_yaml_file(root, "rules/calendar.yaml", sources, required=False)
    problems += found
    calendar, found = build_calendar(data, "rules/calendar.yaml")
    problems += found
    if playbook is None:
        return None, problems
    return Rules(settings, playbook, team, calendar), problems


def customer_files(root: Path) -> list[Path]:
    folder = root / "customers"
    return sorted(p for p in folder.rglob("*.md")
                  if p.name.lower() not in SKIPPED_NAMES
                  and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts))


def read_customer(root: Path, path: Path, rules: Rules, as_of: dt.date | None):
    """Read one customer file: ``(customer | None, document | None, problems)``."""
    rel = relpath(root, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, None, [problem("FU005", rel, line=1, col=1, detail=str(exc))]
    doc, data, problems = document.load(rel, raw)
    if data is None:
        return None, doc, problems
    customer, found = parse_customer(data, rel, rules.playbook, rules.team, as_of)
    if doc is not None:
        customer.body = doc.body
    return customer, doc, problems + found


def load_workspace(root: Path, as_of: dt.date | None = None) -> Workspace:
    sources: dict[str, Source] = {}
    rules, problems = load_rules(root, sources)
    ws = Workspace(root=root, rules=rules, problems=problems, sources=sources, as_of=as_of)
    if rules is None:
        return ws
    for path in customer_files(root):
        customer, doc, found = read_customer(root, path, rules, as_of)
        if doc is not None:
            ws.documents[doc.path] = doc
            ws.sources[doc.path] = Source(doc.yaml_text, doc.first_line)
        if customer is not None:
            ws.customers.append(customer)
        ws.problems += found
    return ws


def locate(problems: list[Problem], sources: dict[str, Source]) -> list[Problem]:
    """Give every problem a line and column, re-reading each file at most once."""
    located = []
    for p in problems:
        if p.line == 0 and p.file in sources:
            line, col = sources[p.file].locate(p.key_path)
            p = p.at(line, col)
        elif p.line == 0:
            p = p.at(1, 1)
        located.append(p)
    return sorted(located, key=Problem.sort_key)
