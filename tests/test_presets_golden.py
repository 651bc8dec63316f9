"""Golden tests for every preset playbook under ``rules/presets/``.

Each preset has a folder ``tests/golden/<preset>/cases.yaml`` written from the seed's own
words: for each tier a customer that lands exactly there and one just across each
boundary. The file reads like the user's world::

    preset: s1-ae-tracking.yaml
    contact: 2026-11-10          # default log: one phone call that day (the reference date)
    base: {owner: li-ming, registered: 2026-11-01}
    groups:
      - seed: "A级客户:有明显的业务需求,并且预计能够在一个月内成交"
        cases:
          - name: a-30-days
            facts: {need: clear, expected_close: 2026-12-10}
            tier: A
          - name: b-31-days
            facts: {need: clear, expected_close: 2026-12-11}
            tier: B
            not: A                    # the next tier up (why_not)
            failed: [expected_close]  # the facts whose tests failed for it

Other case keys: ``log`` (replaces the default contact), ``expect`` (tiers of the other
classifications), ``due`` (the computed due date), ``priority`` (the label of the first
call-list priority rule it matches, null for none), ``explain`` (lines the explanation
must hold) and ``cli_explain`` (lines ``followup explain`` must print). A top-level
``stalls: {A: [10, B]}`` checks the tiers' stall rules, ``inactivity:`` the playbook's.
Every customer of a group is graded together, so rank (Pareto) groups are populations of
their own.
"""

from __future__ import annotations

import datetime as dt
import shutil
from functools import cache
from pathlib import Path

import pytest

from followup.cli import main
from followup.engine.alerts import stall_rule
from followup.engine.grading import context, grade_all
from followup.store import yaml12
from followup.store.emit import flow
from followup.store.workspace import load_workspace
from followup.text.explain import explain_lines

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
PRESETS = REPO / "rules" / "presets"
AS_OF = dt.date(2027, 6, 30)  # after every log date in the cases


def _spec(folder: str) -> dict:
    return yaml12.load_fast((GOLDEN / folder / "cases.yaml").read_text(encoding="utf-8"))


def _front_matter(spec: dict, case: dict) -> dict:
    data = {"id": case["name"], "name": case.get("label", "测试客户"), "owner": "li-ming",
            "registered": dt.date(2026, 11, 1)}
    data.update(spec.get("base") or {})
    data.update(case.get("facts") or {})
    if "log" in case:
        log = case["log"]
    elif spec.get("contact"):
        log = [{"date": spec["contact"], "channel": "电话", "by": "li-ming", "note": "跟进"}]
    else:
        log = []
    if log:
        data["log"] = log
    return data


def _write_repo(root: Path, spec: dict, groups: list[tuple[int, dict]]) -> Path:
    shutil.copytree(REPO / "rules", root / "rules")
    (root / "rules" / "followup.yaml").write_text(
        f"playbook: presets/{spec['preset']}\nlanguage: zh\n", encoding="utf-8")
    for index, group in groups:
        folder = root / "customers" / f"g{index:02d}"
        folder.mkdir(parents=True)
        for case in group["cases"]:
            data = _front_matter(spec, case)
            text = "---\n" + "".join(f"{k}: {flow(v)}\n" for k, v in data.items()) + "---\n"
            (folder / f"{case['name']}.md").write_text(text, encoding="utf-8")
    return root


def _folders() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "cases.yaml").is_file())


def _cases():
    for folder in _folders():
        for gi, group in enumerate(_spec(folder)["groups"]):
            for case in group["cases"]:
                yield pytest.param(folder, gi, case["name"], id=f"{folder}/{case['name']}")


@cache
def _graded(folder: str, tmp: str):
    """Load the golden repository of one preset once and grade it group by group."""
    spec = _spec(folder)
    root = _write_repo(Path(tmp) / folder, spec, list(enumerate(spec["groups"])))
    ws = load_workspace(root, AS_OF)
    errors = [p for p in ws.problems if p.is_error]
    assert not errors, "\n".join(f"{p.file}: {p.code} {p.key_path} {p.params}" for p in errors)
    by_group: dict[str, list] = {}
    for c in ws.customers:
        by_group.setdefault(c.path.split("/")[1], []).append(c)
    grades = {}
    for customers in by_group.values():
        for g in grade_all(customers, ws.rules.playbook, ws.rules.calendar).values():
            grades[g.customer.id] = g
    return spec, ws, grades


@pytest.fixture(scope="session")
def golden_tmp(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize(("folder", "group", "name"), list(_cases()))
def test_golden_case(folder, group, name, golden_tmp):
    spec, ws, grades = _graded(folder, golden_tmp)
    case = next(c for c in spec["groups"][group]["cases"] if c["name"] == name)
    grade = grades[name]
    playbook = ws.rules.playbook
    driving = playbook.driving.id
    seed = spec["groups"][group]["seed"]
    if "tier" in case:
        assert grade.tier == str(case["tier"]), f"{seed}\n" + "\n".join(explain_lines(grade, playbook))
    for cls, tier in (case.get("expect") or {}).items():
        got = grade.outcomes[cls].tier
        assert got == str(tier), f"{cls}: {got} != {tier}\n{seed}"
    outcome = grade.outcomes[driving]
    if "not" in case:
        assert outcome.next_up == str(case["not"]), f"next up {outcome.next_up}"
    if "failed" in case:
        failed = {e.subject for e in outcome.why_not if not e.ok}
        assert failed == set(case["failed"]), "\n".join(explain_lines(grade, playbook))
    if "due" in case:
        assert grade.due == case["due"]
    if "priority" in case:
        ctx = context(grade.customer, playbook, grade.schedule.reference)
        label = next((r.label for r in playbook.priority if r.when.holds(ctx)[0]), None)
        assert label == case["priority"]
    if "explain" in case:
        text = "\n".join(explain_lines(grade, playbook))
        for line in case["explain"]:
            assert line in text, text


@pytest.mark.parametrize("folder", _folders())
def test_every_tier_is_reached_and_every_preset_is_tested(folder, golden_tmp):
    _, ws, grades = _graded(folder, golden_tmp)
    playbook = ws.rules.playbook
    for cls in playbook.classifications.values():
        reached = {g.outcomes[cls.id].tier for g in grades.values()}
        missing = [t.id for t in cls.tiers if t.id not in reached]
        assert not missing, f"{cls.id}: no golden case lands in {missing}"


@pytest.mark.parametrize("folder", _folders())
def test_stall_rules(folder, golden_tmp):
    """``stalls: {A: [10, B]}`` — a tier held too long without progress drops (alerts)."""
    spec, ws, _ = _graded(folder, golden_tmp)
    for tier, (days, to) in (spec.get("stalls") or {}).items():
        assert stall_rule(ws.rules.playbook, str(tier)) == (days, str(to))


@pytest.mark.parametrize("folder", _folders())
def test_inactivity_rules(folder, golden_tmp):
    """``inactivity: {...}`` — half a year silent: change channel; a year: archive (seed 002)."""
    spec, ws, _ = _graded(folder, golden_tmp)
    if "inactivity" in spec:
        assert ws.rules.playbook.inactivity == spec["inactivity"]


def test_every_preset_has_golden_cases():
    tested = {_spec(f)["preset"] for f in _folders()}
    shipped = {p.name for p in PRESETS.glob("*.yaml")}
    assert shipped == tested


@pytest.mark.parametrize("folder", _folders())
def test_preset_loads_without_problems(folder, golden_tmp):
    _, ws, _ = _graded(folder, golden_tmp)
    rule_problems = [p for p in ws.problems if p.file.startswith("rules/")]
    assert not rule_problems
    assert ws.rules.playbook.priority, "every preset orders the call list (priority:)"


def _explain_cases():
    for folder in _folders():
        for gi, group in enumerate(_spec(folder)["groups"]):
            for case in group["cases"]:
                if case.get("cli_explain"):
                    yield pytest.param(folder, gi, case["name"], id=f"{folder}/{case['name']}")


def test_every_preset_has_a_followup_explain_case():
    assert {p.values[0] for p in _explain_cases()} == set(_folders())


@pytest.mark.parametrize(("folder", "group", "name"), list(_explain_cases()))
def test_followup_explain_prints_the_reasons(folder, group, name, tmp_path, capsys):
    """``followup explain`` on a repository holding this case's group prints ✓/✗ reasons."""
    spec = _spec(folder)
    root = _write_repo(tmp_path / "repo", spec, [(group, spec["groups"][group])])
    assert main(["explain", name, "--root", str(root), "--as-of", str(AS_OF)]) == 0
    out = capsys.readouterr().out
    case = next(c for c in spec["groups"][group]["cases"] if c["name"] == name)
    for line in case["cli_explain"]:
        assert line in out, out
