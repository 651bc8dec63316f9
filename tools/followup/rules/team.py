"""The team: who may own customers, and how many calls each can make a day.

``rules/team.yaml``::

    default_capacity: 60          # seed 003: 每天联系60个客户
    salespeople:
      - {id: li-ming, name: 李明, team: 一组, capacity: 60}
      - {id: wang-fang, name: 王芳, team: 一组, role: manager, github: wangfang}
      - {id: pool, name: 公海, role: pool, capacity: 0}   # the public pool (rules/ownership.yaml)

``github`` (optional) is the person's GitHub handle, used by ``followup codeowners``.
"""

from __future__ import annotations

from dataclasses import dataclass

from followup.problems import Problem, problem

DEFAULT_CAPACITY = 60


@dataclass
class Salesperson:
    id: str
    name: str
    team: str = ""
    capacity: int = DEFAULT_CAPACITY
    role: str = "sales"
    active: bool = True
    github: str = ""
    email: str = ""  # the e-mail address of the person's Git commits (check --base)


@dataclass
class Team:
    people: dict[str, Salesperson]
    default_capacity: int = DEFAULT_CAPACITY

    def name_of(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else person_id

    def by_email(self, email: str) -> str | None:
        """The salesperson who commits as ``email``: their ``email:``, or their ``github:``
        handle behind a GitHub noreply address (``123+handle@users.noreply.github.com``)."""
        email = email.strip().lower()
        for person in self.people.values():
            if person.email and person.email.lower() == email:
                return person.id
        local, _, domain = email.partition("@")
        if domain == "users.noreply.github.com":
            handle = local.partition("+")[2] or local
            for person in self.people.values():
                if person.github and person.github.lower() == handle:
                    return person.id
        return None

    @property
    def managers(self) -> list[str]:
        return [p.id for p in self.people.values() if p.role == "manager"]


def build_team(data, file: str) -> tuple[Team, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return Team({}), [problem("FU011", file, line=1, col=1)]
    default = data.get("default_capacity", DEFAULT_CAPACITY)
    if not isinstance(default, int) or isinstance(default, bool) or default < 0:
        problems.append(problem("FU509", file, path=("default_capacity",), reason="capacity"))
        default = DEFAULT_CAPACITY
    people: dict[str, Salesperson] = {}
    raw = data.get("salespeople")
    if not isinstance(raw, list):
        return Team({}, default), problems + [problem("FU101", file, path=(), key="salespeople")]
    for i, spec in enumerate(raw):
        path = ("salespeople", i)
        if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
            problems.append(problem("FU509", file, path=path, reason="id"))
            continue
        pid = spec["id"]
        if pid in people:
            problems.append(problem("FU509", file, path=path + ("id",), reason="duplicate", id=pid))
            continue
        capacity = spec.get("capacity", default)
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
            problems.append(problem("FU509", file, path=path + ("capacity",), reason="capacity"))
            capacity = default
        people[pid] = Salesperson(pid, str(spec.get("name", pid)), str(spec.get("team", "")),
                                  capacity, str(spec.get("role", "sales")),
                                  bool(spec.get("active", True)),
                                  str(spec.get("github") or "").lstrip("@"),
                                  str(spec.get("email") or ""))
    return Team(people, default), problems
