"""Everything under ``rules/`` read once into one :class:`Rules` value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from followup.problems import Problem, problem
from followup.rules.ownership import POLICY_FILE, Policy, build_policy
from followup.rules.playbook import Playbook, build_pipeline, build_playbook
from followup.rules.settings import Settings, build_settings
from followup.rules.team import Team, build_team
from followup.rules.workdays import Calendar, build_calendar
from followup.store import yaml12
from followup.store.document import Source


@dataclass
class Rules:
    settings: Settings
    playbook: Playbook
    team: Team
    calendar: Calendar
    policy: Policy


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
    data, found = _read_yaml_file(root, POLICY_FILE, sources, required=False)
    problems += found
    policy, found = build_policy(data, POLICY_FILE)
    problems += found
    if playbook is None:
        return None, problems
    return Rules(settings, playbook, team, calendar, policy), problems
