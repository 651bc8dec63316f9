"""docs/extending.md, run: its example grading method (``by-stage``) and check family
(``notes``) are taken from the page's code blocks as written, registered, and used end to end
by ``check``, ``grade --diff`` and ``explain`` on a repository whose playbook uses the method."""

from __future__ import annotations

import ast
import json
import re
import sys
import types

import pytest

from conftest import ANCHOR, REPO, make_repo
from followup.checks import CHECKS, register, run_checks
from followup.cli import graded, main
from followup.engine.records import LEAN_LOG
from followup.rules.methods import METHODS
from followup.rules.methods import register as register_method
from followup.store.workspace import load_workspace, locate
from followup.text.i18n import PROBLEMS
from test_presets_switch import switch_playbook

DOC = REPO / "docs" / "extending.md"

CUSTOMER = """\
---
id: ningbo-haitian
name: 宁波海天塑机
owner: li-ming
registered: 2026-11-02
source: 展会
contacts:
  - name: 王建国
    phone: "138 0574 1234"
stage: "4"
log:
  - date: 2026-11-05
    channel: 电话
    by: li-ming
    note: 要了注塑机的报价单
  - date: 2026-11-18
    channel: 到访
    by: li-ming
tier: C
due: 2026-12-18
---
展会上认识的,关心交货期。
"""

# graded B (stage 3) and due a week after the last call: nothing for check to say
SECOND = """\
---
id: ningbo-yongxin
name: 宁波永信模具
owner: wang-fang
registered: 2026-11-10
contacts:
  - name: 李桂芳
    phone: "139 5741 8866"
stage: "3"
log:
  - date: 2026-11-12
    channel: 电话
    by: wang-fang
    note: 明年一季度有采购计划
tier: B
due: 2026-11-19
---
"""


def doc_blocks() -> dict[str, str]:
    """Each fenced block of the page whose first line is ``# <file>``, by that file."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for body in re.findall(r"```(?:python|yaml)\n(.*?)```", text, re.S):
        first, _, rest = body.partition("\n")
        if first.startswith("# "):
            found[first[2:].strip()] = rest
    return found


def module_from(name: str, code: str, monkeypatch) -> types.ModuleType:
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(code, f"{DOC}:{name}", "exec"), module.__dict__)  # our own docs, as written
    return module


@pytest.fixture
def extended(monkeypatch):
    """The page's method and check family registered (and unregistered afterwards), and the
    page's words for the family's code in the catalogue."""
    blocks = doc_blocks()
    method = module_from("followup.rules.methods.by_stage",
                         blocks["tools/followup/rules/methods/by_stage.py"], monkeypatch).ByStage
    family = module_from("followup.checks.notes", blocks["tools/followup/checks/notes.py"],
                         monkeypatch).FAMILY
    for code, words in ast.literal_eval("{" + blocks["tools/followup/text/i18n.py PROBLEMS"] + "}").items():
        monkeypatch.setitem(PROBLEMS, code, words)
    register_method(method)
    register(family)
    try:
        yield blocks
    finally:
        del METHODS[method.name], CHECKS[family.name]


@pytest.fixture
def repo(extended, tmp_path):
    root = make_repo(tmp_path / "repo", with_samples=False)
    (root / "rules" / "presets" / "by-stage.yaml").write_text(
        extended["rules/presets/by-stage.yaml"], encoding="utf-8")
    switch_playbook(root, "by-stage.yaml")
    (root / "customers" / "ningbo-haitian.md").write_text(CUSTOMER, encoding="utf-8")
    (root / "customers" / "ningbo-yongxin.md").write_text(SECOND, encoding="utf-8")
    return root


def run(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*args])
    return code, capsys.readouterr().out


def found(out: str) -> list[tuple]:
    return [(p["code"], p["file"], p["line"], p["severity"]) for p in json.loads(out)["problems"]]


def test_the_new_method_and_check_family_work_end_to_end(repo, capsys):
    where = ["--root", str(repo), "--as-of", str(ANCHOR)]
    code, out = run(capsys, "check", "--format", "json", *where)
    # stage 4 is A by the new method, not the stored C; the visit of 11-18 (line 16) has no note
    assert (code, found(out)) == (1, [
        ("FU290", "customers/ningbo-haitian.md", 16, "warning"),
        ("FU301", "customers/ningbo-haitian.md", 19, "error"),
        ("FU302", "customers/ningbo-haitian.md", 20, "error"),
    ])
    code, out = run(capsys, "grade", "--diff", *where)
    assert code == 0
    changes = [line for line in out.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changes == ["-tier: C", "-due: 2026-12-18", "+tier: A", "+due: 2026-11-23"]
    code, out = run(capsys, "explain", "ningbo-haitian", *where)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "宁波海天塑机 (ningbo-haitian) — 客户等级: A 重点客户"
    assert "  ✓ 阶段 4 客户有选择我们的意向 属于 {4 客户有选择我们的意向、5 已发送合同}" in lines
    code, out = run(capsys, "explain", "ningbo-yongxin", *where)
    lines = out.splitlines()
    assert lines[0] == "宁波永信模具 (ningbo-yongxin) — 客户等级: B 跟进客户"
    assert "  ✓ 阶段 3 客户有采购计划 属于 {2 与关键人建立沟通、3 客户有采购计划}" in lines
    assert lines[lines.index("为什么不是 A:") + 1] == (
        "  ✗ 阶段 3 客户有采购计划 属于 {4 客户有选择我们的意向、5 已发送合同}")
    assert run(capsys, "grade", "--write", *where)[0] == 0
    code, out = run(capsys, "check", "--only", "notes", "--format", "json", *where)
    assert (code, found(out)) == (0, [("FU290", "customers/ningbo-haitian.md", 16, "warning")])


def test_a_lean_load_never_hands_the_family_a_record_without_its_notes(repo):
    lean = load_workspace(repo, ANCHOR, cache=False, lean=True)
    assert lean.customers[0].log is LEAN_LOG  # graded where it was read: its log was dropped
    full = load_workspace(repo, ANCHOR, cache=False)
    for ws in (lean, full):
        problems = locate(run_checks(ws, graded(ws), ["notes"]), ws.sources)
        assert [(p.code, p.line, p.params) for p in problems] == [
            ("FU290", 16, {"date": ANCHOR.replace(day=18)})]


def test_the_new_method_reports_its_problems_at_their_lines(repo, capsys):
    playbook = repo / "rules" / "presets" / "by-stage.yaml"
    text = playbook.read_text(encoding="utf-8")
    playbook.write_text(text.replace("      B: [", "      Z: ["), encoding="utf-8")
    code, out = run(capsys, "check", "--format", "json", "--root", str(repo))
    assert (code, found(out)) == (1, [("FU505", "rules/presets/by-stage.yaml", 10, "error")])
    playbook.write_text(text.replace("method: by-stage", "method: by-stages"), encoding="utf-8")
    code, out = run(capsys, "check", "--format", "json", "--root", str(repo))
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["line"]) for p in problems] == [("FU503", 6)]
    assert "first-match, lowest-of, score, rank, by-stage" in problems[0]["hint"]
    assert "是不是 `by-stage`" in problems[0]["hint"]
