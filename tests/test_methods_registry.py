"""The grading methods' registry: each name is its method's, only rank needs the population,
and a method that needs the population -- any, not only rank -- is graded once over every
customer, never in the parsing workers, with the same results from lean and full loads."""

from __future__ import annotations

import pytest

from conftest import ANCHOR
from followup.checks import run_checks
from followup.cli import graded, main
from followup.engine.records import LEAN_LOG
from followup.rules.methods import METHODS, Method, Outcome, Rank, register
from followup.store.workspace import load_workspace, locate
from test_presets_switch import switch_playbook


class LongestWaiting(Method):
    """The quarter of the customers waiting longest since their last contact (or their
    registration) are A, to be called first; the rest B. No keys of its own."""

    name = "longest-waiting"
    needs_population = True

    def grade_population(self, cid, contexts):
        order = sorted(contexts, key=lambda path: (contexts[path].reference, path))
        first = set(order[:len(order) // 4])
        return {path: Outcome(cid, "A" if path in first else "B", [],
                              None if path in first else "A") for path in contexts}


PLAYBOOK = """\
name: 最久未联系的先打
classifications:
  order:
    label: 联系顺序
    method: longest-waiting
    drives_followup: true
    tiers:
      - {id: A, label: 先打, cadence: {days: 1}}
      - {id: B, label: 随后, cadence: {days: 7}}
"""


def test_the_registry_names_each_method_by_its_own_name():
    assert list(METHODS) == ["first-match", "lowest-of", "score", "rank"]
    assert all(name == method.name for name, method in METHODS.items())
    assert [name for name, method in METHODS.items() if method.needs_population] == ["rank"]
    with pytest.raises(ValueError):
        register(Rank)


@pytest.fixture
def waiting_repo(sample_repo):
    register(LongestWaiting)
    (sample_repo / "rules" / "presets" / "waiting.yaml").write_text(PLAYBOOK, encoding="utf-8")
    switch_playbook(sample_repo, "waiting.yaml")
    try:
        yield sample_repo
    finally:
        del METHODS[LongestWaiting.name]


def judged(ws):
    grades = graded(ws)
    problems = locate(ws.problems + run_checks(ws, grades), ws.sources)
    return sorted((p.code, p.file, p.line) for p in problems), {
        path: (g.tier, g.due) for path, g in grades.items()}


def test_any_method_that_needs_the_population_is_graded_over_every_customer(waiting_repo, capsys):
    full = load_workspace(waiting_repo, ANCHOR, cache=False)
    lean = load_workspace(waiting_repo, ANCHOR, cache=False, lean=True)
    assert lean.read_grades is None and all(c.log is not LEAN_LOG for c in lean.customers)
    assert judged(lean) == judged(full)
    waiting = sorted(full.customers, key=lambda c: (max((e.date for e in c.log
                                                         if full.rules.playbook.is_contact(e.channel)),
                                                        default=c.registered), c.path))
    tiers = {path: tier for path, (tier, _) in judged(full)[1].items()}
    assert len(waiting) == 43
    assert [tiers[c.path] for c in waiting] == ["A"] * 10 + ["B"] * 33
    where = ["--root", str(waiting_repo), "--as-of", str(ANCHOR)]
    assert main(["grade", "--write", *where]) == 0
    assert main(["check", "--only", "freshness", *where]) == 0
