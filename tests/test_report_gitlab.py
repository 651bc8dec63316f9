"""`followup check --format gitlab`: GitLab's Code Quality report (Code Climate issues).

A known broken repository — three files of the broken-input corpus — must give exactly these
issues: file, line, column, severity and a fingerprint that is the same on every run, in
both languages, after unrelated lines move, and different for every issue. The fields are
the ones GitLab's Code Quality report format requires (docs.gitlab.com, "Code Quality
report format"): ``description``, ``check_name``, ``fingerprint``, ``severity`` (info, minor,
major, critical, blocker), ``location.path`` and ``location.lines.begin`` or
``location.positions.begin.line``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from followup.cli import main
from followup.cli.report import render
from followup.problems import problem

CORPUS = Path(__file__).parent / "corpus" / "records"
AS_OF = "2026-11-22"
BROKEN = ("unknown-owner", "bad-email", "contacts-not-list")
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture
def broken_repo(empty_repo) -> Path:
    for name in BROKEN:
        shutil.copy(CORPUS / f"{name}.md", empty_repo / "customers" / f"{name}.md")
    return empty_repo


def gitlab_report(capsys, root: Path, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--root", str(root), "--as-of", AS_OF, "--format", "gitlab", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return code, json.loads(out), out


def by_place(issues: list[dict]) -> dict[tuple, dict]:
    return {(i["location"]["path"], i["check_name"]): i for i in issues}


def test_the_report_has_exactly_these_issues(broken_repo, capsys):
    code, issues, out = gitlab_report(capsys, broken_repo)
    assert code == 1  # errors still fail the check
    assert out.isascii() and out.lstrip().startswith("[")  # JSON only: no summary line, no BOM
    where = [
        (i["location"]["path"], i["location"]["lines"]["begin"],
         i["location"]["positions"]["begin"]["column"], i["check_name"], i["severity"])
        for i in issues
    ]
    assert where == [
        ("customers/bad-email.md", 10, 12, "FU113", "major"),
        ("customers/contacts-not-list.md", 2, 1, "FU703", "minor"),  # a warning
        ("customers/contacts-not-list.md", 7, 11, "FU102", "major"),
        ("customers/unknown-owner.md", 4, 8, "FU105", "major"),
        ("customers/unknown-owner.md", 9, 12, "FU702", "minor"),  # a warning: same phone as bad-email
    ]
    owner = by_place(issues)["customers/unknown-owner.md", "FU105"]
    assert re.fullmatch(r"[0-9a-f]{32}", owner["fingerprint"])
    assert owner == {
        "type": "issue",
        "engine_name": "followup",
        "check_name": "FU105",
        "description": "FU105 负责人 `liming` 不在 rules/team.yaml 中 — "
        "改成团队里的销售 id( 是不是 `li-ming`?)",
        "severity": "major",
        "fingerprint": owner["fingerprint"],
        "location": {
            "path": "customers/unknown-owner.md",
            "lines": {"begin": 4},
            "positions": {"begin": {"line": 4, "column": 8}},
        },
    }


def test_every_issue_has_the_fields_gitlab_requires(broken_repo, capsys):
    _, issues, _ = gitlab_report(capsys, broken_repo)
    assert issues
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"].startswith(issue["check_name"])
        assert re.fullmatch(r"FU\d{3}", issue["check_name"])
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in SEVERITIES
        location = issue["location"]
        assert isinstance(location["path"], str) and not location["path"].startswith(("/", "./"))
        assert (broken_repo / location["path"]).is_file()
        assert isinstance(location["lines"]["begin"], int) and location["lines"]["begin"] >= 1
        assert location["positions"]["begin"]["line"] == location["lines"]["begin"]


def test_fingerprints_are_stable_across_runs_and_languages_and_distinct(broken_repo, capsys):
    first = gitlab_report(capsys, broken_repo)[1]  # fills the cache
    again = gitlab_report(capsys, broken_repo)[1]  # answered from the cache
    uncached = gitlab_report(capsys, broken_repo, "--no-cache")[1]
    english = gitlab_report(capsys, broken_repo, "--lang", "en")[1]
    assert first == again == uncached
    assert [i["fingerprint"] for i in english] == [i["fingerprint"] for i in first]
    owner_en = by_place(english)["customers/unknown-owner.md", "FU105"]
    assert owner_en["description"] == (
        "FU105 owner `liming` is not in rules/team.yaml — use a salesperson id (did you mean `li-ming`?)"
    )
    fingerprints = [i["fingerprint"] for i in first]
    assert len(set(fingerprints)) == len(fingerprints) == 5
    # two issues in one file, two files with the same kind of contact: all different
    issues = by_place(first)
    assert issues["customers/unknown-owner.md", "FU105"]["fingerprint"] != (
        issues["customers/unknown-owner.md", "FU702"]["fingerprint"]
    )


def test_a_fingerprint_survives_unrelated_lines_moving(broken_repo, capsys):
    before = by_place(gitlab_report(capsys, broken_repo)[1])
    target = broken_repo / "customers" / "unknown-owner.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("---\n", "---\n# 展会上认识的\n# met at the fair\n", 1), encoding="utf-8")
    after = by_place(gitlab_report(capsys, broken_repo)[1])
    assert set(after) == set(before)
    for key in (("customers/unknown-owner.md", "FU105"), ("customers/unknown-owner.md", "FU702")):
        assert after[key]["location"]["lines"]["begin"] == before[key]["location"]["lines"]["begin"] + 2
        assert after[key]["fingerprint"] == before[key]["fingerprint"], key
    assert after == {**before, **{k: v for k, v in after.items() if k[0] == "customers/unknown-owner.md"}}


def test_warnings_alone_pass(sample_repo, capsys):
    code, issues, _ = gitlab_report(capsys, sample_repo)  # the samples carry 撞单 warnings
    assert code == 0 and issues
    assert {i["severity"] for i in issues} == {"minor"}


def test_no_problems_give_an_empty_array(empty_repo, capsys):
    code, issues, out = gitlab_report(capsys, empty_repo)
    assert (code, issues, out.strip()) == (0, [], "[]")


def test_same_place_problems_get_distinct_fingerprints_and_unknown_places_line_one():
    twice = [
        problem("FU105", "customers/a.md", path=("owner",), line=4, col=8, owner="x"),
        problem("FU105", "customers/a.md", path=("owner",), line=4, col=8, owner="y"),
        problem("FU101", "customers/b.md", key="owner"),  # no line, no column
    ]
    issues = json.loads(render(twice, "gitlab", "zh"))
    assert len({i["fingerprint"] for i in issues}) == 3
    assert issues[0]["fingerprint"] == json.loads(render(twice[:1], "gitlab", "zh"))[0]["fingerprint"]
    assert issues[2]["location"] == {"path": "customers/b.md", "lines": {"begin": 1}}
