"""The broken-input corpus: every bad file gets its exact error, no traceback, no lost bytes.

Cases live in ``tests/corpus/records`` and ``tests/corpus/rules``; ``tests/corpus/expected.yaml``
says which code, line and column each must produce.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from followup.cli import main
from followup.rules.playbook import build_playbook

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
AS_OF = "2026-11-22"
FIXED_BY_GRADING = {"FU301", "FU302", "FU303"}


def run(capsys, *args) -> tuple[int, dict, str]:
    code = main([*args, "--as-of", AS_OF])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, root: Path) -> tuple[int, list[dict], str]:
    code, out, err = run(capsys, "check", "--root", str(root), "--format", "json")
    return code, json.loads(out)["problems"], err


def test_the_corpus_is_large_enough_and_every_file_has_an_expectation():
    records = {p.stem for p in (CORPUS / "records").glob("*.md")}
    rules = {p.stem for p in (CORPUS / "rules").glob("*.yaml")}
    assert records == set(EXPECTED["records"])
    assert rules == set(EXPECTED["rules"])
    assert len(records) + len(rules) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED["records"]))
def test_broken_record_gets_its_exact_error_and_is_never_rewritten(name, empty_repo, capsys):
    expected = EXPECTED["records"][name]
    listed = expected if isinstance(expected, list) else [expected]  # several errors, in order
    wanted = [(e["code"], e["line"], e["col"]) for e in listed]
    source = CORPUS / "records" / f"{name}.md"
    target = empty_repo / "customers" / f"{name}.md"
    shutil.copy(source, target)
    before = target.read_bytes()

    code, problems, err = check_json(capsys, empty_repo)
    assert code == 1
    assert "Traceback" not in err and err == ""
    errors = [(p["code"], p["line"], p["col"]) for p in problems if p["severity"] == "error"]
    assert errors == wanted
    assert all(p["file"] == f"customers/{name}.md" for p in problems)
    assert all(p["hint"] for p in problems), "every problem says what to do"

    code, _, err = run(capsys, "grade", "--write", "--root", str(empty_repo))
    assert "Traceback" not in err
    if wanted[0][0] in FIXED_BY_GRADING:
        # stale computed values are the one "error" grade --write exists to fix
        assert check_json(capsys, empty_repo)[:2] == (0, [])
    else:
        assert target.read_bytes() == before


@pytest.mark.parametrize("name", sorted(EXPECTED["rules"]))
def test_broken_rule_gets_its_exact_error(name, empty_repo, capsys):
    expected = EXPECTED["rules"][name]
    source = CORPUS / "rules" / f"{name}.yaml"
    target_rel = source.read_text(encoding="utf-8").splitlines()[0].split("target:")[1].strip()
    shutil.copy(source, empty_repo / target_rel)
    shutil.copy(Path(__file__).parent.parent / "customers" / "haicheng-talc.md",
                empty_repo / "customers" / "haicheng-talc.md")

    code, problems, err = check_json(capsys, empty_repo)
    assert code == 1
    assert err == ""
    errors = [(Path(p["file"]).name, p["code"], p["line"], p["col"])
              for p in problems if p["severity"] == "error" and p["file"].startswith("rules/")]
    assert errors == [(expected["file"], expected["code"], expected["line"], expected["col"])]


def test_five_megabyte_file_is_refused_without_parsing(empty_repo, capsys):
    target = empty_repo / "customers" / "pasted-chat-log.md"
    head = "---\nid: pasted-chat-log\nname: 测试\nowner: li-ming\nregistered: 2026-11-02\n---\n"
    target.write_bytes(head.encode() + ("聊天记录 " * 400_000).encode())
    assert target.stat().st_size > 5_000_000
    code, problems, err = check_json(capsys, empty_repo)
    assert code == 1 and err == ""
    assert [(p["code"], p["line"]) for p in problems] == [("FU009", 1)]


def test_duplicate_ids_across_two_files(empty_repo, capsys):
    text = (CORPUS.parent.parent / "customers" / "haicheng-talc.md").read_text(encoding="utf-8")
    (empty_repo / "customers" / "haicheng-talc.md").write_text(text, encoding="utf-8")
    (empty_repo / "customers" / "east").mkdir()
    (empty_repo / "customers" / "east" / "haicheng-talc.md").write_text(text, encoding="utf-8")
    code, problems, _ = check_json(capsys, empty_repo)
    assert code == 1
    dup = [p for p in problems if p["code"] == "FU401"]
    assert [(p["file"], p["line"]) for p in dup] == [("customers/haicheng-talc.md", 3)]


def test_bom_and_crlf_are_not_errors(empty_repo, capsys):
    text = (CORPUS.parent.parent / "customers" / "haicheng-talc.md").read_text(encoding="utf-8")
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    (empty_repo / "customers" / "haicheng-talc.md").write_bytes(raw)
    code, problems, err = check_json(capsys, empty_repo)
    assert (code, problems, err) == (0, [], "")


def test_check_output_names_file_line_column_code_and_hint(empty_repo, capsys):
    shutil.copy(CORPUS / "records" / "unknown-owner.md", empty_repo / "customers" / "unknown-owner.md")
    code, out, _ = run(capsys, "check", "--root", str(empty_repo), "--lang", "en")
    assert code == 1
    assert out.splitlines()[0] == (
        "customers/unknown-owner.md:4:8: FU105 owner `liming` is not in rules/team.yaml — "
        "use a salesperson id (did you mean `li-ming`?)")


def test_github_format_is_a_workflow_annotation(empty_repo, capsys):
    shutil.copy(CORPUS / "records" / "stale-tier.md", empty_repo / "customers" / "stale-tier.md")
    code, out, _ = run(capsys, "check", "--root", str(empty_repo), "--format", "github", "--lang", "en")
    assert code == 1
    assert out.splitlines()[0].startswith(
        "::error file=customers/stale-tier.md,line=18,col=7,title=FU301::FU301 stale tier: file says A, "
        "rules give B")


def test_outside_a_repository_the_tool_exits_2(tmp_path, capsys):
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "not a followup repository" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["grade"], ["list"], ["explain", "x"], ["today"],
                                     ["log", "x", "--channel", "电话"], ["export", "out.csv"]])
def test_every_command_reports_broken_rules_and_exits_1(command, empty_repo, capsys):
    shutil.copy(CORPUS / "rules" / "unknown-method.yaml", empty_repo / "rules/presets/s1-ae-tracking.yaml")
    code = main([*command, "--root", str(empty_repo), "--as-of", AS_OF])
    out, err = capsys.readouterr()
    assert code == 1
    assert "rules/presets/s1-ae-tracking.yaml:29:13: FU503" in out
    assert "Traceback" not in err and "internal error" not in err


NESTED_AND_ODD = [["a", "b"], {"x": 1}, [{"a": 1}], [], {}, 5, -1, True, 1.5, float("nan"), "",
                  "x", dt.date(2026, 11, 1), dt.datetime(2026, 1, 1, 10, 0)]


@pytest.mark.parametrize("preset", sorted(p.name for p in (REPO / "rules" / "presets").glob("*.yaml")))
def test_any_value_in_any_key_is_a_problem_never_a_crash(preset):
    """Every key a record may hold -- top level, each fact of the preset, a log entry's and a
    contact's -- given lists, mappings, numbers, booleans, dates: validating, grading and
    finding identities must answer with problems, never raise (a list in a log entry's
    ``by:`` or in a choice fact once did)."""
    from followup.engine import grading
    from followup.engine.identity import identities
    from followup.engine.records import CONTACT_KEYS, CORE_KEYS, LOG_KEYS, parse_customer
    from followup.rules.load import load_rules
    from followup.store import yaml12

    rules, _ = load_rules(REPO)
    text = (REPO / "rules" / "presets" / preset).read_text(encoding="utf-8")
    playbook, _ = build_playbook(yaml12.load_fast(text), f"rules/presets/{preset}")
    playbook.stages = rules.playbook.stages
    base = {"id": "c1", "name": "上海星河科技有限公司", "owner": "li-ming",
            "registered": dt.date(2026, 10, 1), "source": "展会", "stage": "2",
            "contacts": [{"name": "张伟", "phone": "138 0000 0001"}],
            "log": [{"date": dt.date(2026, 10, 2), "channel": "电话", "by": "li-ming", "note": "x"}]}

    def judge(data):
        customer, _ = parse_customer(data, "customers/c1.md", playbook, rules.team,
                                     dt.date(2026, 11, 22))
        grading.grade_all([customer], playbook, rules.calendar)
        if grading.per_record(playbook):
            grading.grade_one(customer, playbook, rules.calendar)
        identities(customer)

    for value in NESTED_AND_ODD:
        for key in (*CORE_KEYS, *playbook.facts):
            judge({**base, key: value})
        for key in LOG_KEYS:
            judge({**base, "log": [{**base["log"][0], key: value}]})
        for key in CONTACT_KEYS:
            judge({**base, "contacts": [{**base["contacts"][0], key: value}]})


FAR_FUTURE = """---
id: {id}
name: 远方公司{id}
owner: li-ming
registered: {registered}
source: 展会
contacts:
  - {{name: 王, phone: "138 1234 56{n:02d}"}}
need: clear
expected_close: 9999-12-31
log:
  - {{date: 9999-12-30, channel: 电话, by: li-ming, note: x, next: 9999-12-31}}
---
"""


@pytest.mark.parametrize("command", [["check"], ["grade", "--write"], ["today"], ["list"],
                                     ["board", "--no-build"], ["recycle"], ["explain", "far1"],
                                     ["feeds"]])
def test_dates_at_the_end_of_the_calendar_are_problems_not_crashes(command, empty_repo, capsys):
    """9999-12-31 is a valid date; a rule's period added to it (a cadence, a protection
    period, the next work day) must stop there instead of overflowing into an error."""
    for n, registered in enumerate(("9999-12-31", "9999-12-20")):
        (empty_repo / "customers" / f"far{n}.md").write_text(
            FAR_FUTURE.format(id=f"far{n}", n=n, registered=registered), encoding="utf-8")
    extra = ["--out", str(empty_repo / "feeds")] if command == ["feeds"] else []
    code, _, err = run(capsys, *command, *extra, "--root", str(empty_repo))
    assert code in (0, 1) and "internal error" not in err


def test_an_argument_that_is_not_utf8_is_a_clear_error(sample_repo, capsys):
    from followup.cli import main

    note = b"\xff\xfe".decode("utf-8", "surrogateescape")  # what Python makes of such argv bytes
    code = main(["log", "zhang-wei", "--root", str(sample_repo), "--channel", "电话", "--note", note])
    err = capsys.readouterr().err
    assert code == 2
    assert "the argument --note is not valid UTF-8 text" in err and "internal error" not in err

