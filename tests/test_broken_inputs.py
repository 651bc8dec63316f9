"""The broken-input corpus: every bad file gets its exact error, no traceback, no lost bytes.

Cases live in ``tests/corpus/records`` and ``tests/corpus/rules``; ``tests/corpus/expected.yaml``
says which code, line and column each must produce.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from followup.cli import main

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
    source = CORPUS / "records" / f"{name}.md"
    target = empty_repo / "customers" / f"{name}.md"
    shutil.copy(source, target)
    before = target.read_bytes()

    code, problems, err = check_json(capsys, empty_repo)
    assert code == 1
    assert "Traceback" not in err and err == ""
    errors = [(p["code"], p["line"], p["col"]) for p in problems if p["severity"] == "error"]
    assert errors == [(expected["code"], expected["line"], expected["col"])]
    assert all(p["file"] == f"customers/{name}.md" for p in problems)
    assert all(p["hint"] for p in problems), "every problem says what to do"

    code, _, err = run(capsys, "grade", "--write", "--root", str(empty_repo))
    assert "Traceback" not in err
    if expected["code"] in FIXED_BY_GRADING:
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
