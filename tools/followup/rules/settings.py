"""``rules/followup.yaml``: which playbook is active, and team-wide switches.

Switching the playbook is one line::

    playbook: presets/s1-ae-tracking.yaml
"""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.problems import Problem, problem
from followup.rules.playbook import suggest

MASKABLE = ("phone", "email", "wechat")


@dataclass
class Settings:
    playbook: str = "presets/s1-ae-tracking.yaml"
    language: str = "zh"
    mask: tuple = MASKABLE
    site_title: str = "客户跟进看板"
    extra: dict = field(default_factory=dict)


def build_settings(data, file: str) -> tuple[Settings, list[Problem]]:
    problems: list[Problem] = []
    if data is None:
        return Settings(), problems
    if not isinstance(data, dict):
        return Settings(), [problem("FU011", file, line=1, col=1)]
    known = {"playbook", "language", "mask", "site_title", "ownership", "board", "import"}
    for key in data:
        if key not in known:
            problems.append(problem("FU502", file, path=(key,), key=str(key),
                                    suggestion=suggest(key, known), warning=True))
    settings = Settings(extra={k: v for k, v in data.items() if k not in
                               {"playbook", "language", "mask", "site_title"}})
    if "playbook" in data:
        if not isinstance(data["playbook"], str):
            problems.append(problem("FU102", file, path=("playbook",), key="playbook",
                                    expected="text"))
        else:
            settings.playbook = data["playbook"]
    language = data.get("language", "zh")
    if language not in ("zh", "en"):
        problems.append(problem("FU508", file, path=("language",), value=str(language),
                                allowed="zh, en"))
    else:
        settings.language = language
    mask = data.get("mask", list(MASKABLE))
    if not isinstance(mask, list) or any(m not in MASKABLE for m in mask):
        problems.append(problem("FU508", file, path=("mask",), value=str(mask),
                                allowed=", ".join(MASKABLE)))
    else:
        settings.mask = tuple(mask)
    if isinstance(data.get("site_title"), str):
        settings.site_title = data["site_title"]
    return settings, problems
