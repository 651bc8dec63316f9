"""The word catalogues (tools/followup/text/zh.py and en.py) are complete and agree.

The catalogue files are read as written (``ast``), not as imported: code on its way out may
still add entries at import time through the old ``text.i18n.PROBLEMS`` shim, and those must
not hide a missing entry.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from followup.text import Words, problem_text, say
from followup.text.codes import markdown

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tools" / "followup"
TEXT = PACKAGE / "text"


def catalogue(lang: str) -> dict[str, dict]:
    tree = ast.parse((TEXT / f"{lang}.py").read_text(encoding="utf-8"))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            out[target.id] = ast.literal_eval(node.value)
    return out


ZH, EN = catalogue("zh"), catalogue("en")


def sources() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.parent != TEXT]


def test_every_word_and_code_is_in_both_languages_and_not_empty():
    assert set(ZH) == set(EN) == {"PROBLEMS", "WORDS"}
    assert sorted(set(ZH["WORDS"]) ^ set(EN["WORDS"])) == []
    assert sorted(set(ZH["PROBLEMS"]) ^ set(EN["PROBLEMS"])) == []
    for cat in (ZH, EN):
        assert all(isinstance(v, str) and v.strip() for v in cat["WORDS"].values())
        for code, (message, hint) in cat["PROBLEMS"].items():
            assert re.fullmatch(r"FU\d{3}", code) and message.strip() and hint.strip(), code


def test_every_code_in_the_source_has_an_entry():
    raised = set()
    for path in sources():
        raised |= set(re.findall(r"\bFU\d{3}\b", path.read_text(encoding="utf-8")))
    assert len(raised) > 80
    assert sorted(raised - set(ZH["PROBLEMS"])) == []


def test_every_word_key_the_code_asks_for_is_in_the_catalogue():
    """Literal keys in ``t("…")``, ``say("…", …)`` and ``self.t("…")`` calls."""
    asked = set()
    for path in sources():
        text = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"\b(?:t|say|word)\(\s*\"([a-z_][a-z0-9_.]*)\"", text))
    assert len(asked) > 50
    assert sorted(asked - set(ZH["WORDS"])) == []


def test_docs_codes_lists_every_code_as_the_catalogue_says():
    page = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    fix = "run: python -m followup.text.codes > docs/codes.md"
    assert page == markdown(ZH["PROBLEMS"], EN["PROBLEMS"]), fix
    assert set(re.findall(r"^\| (FU\d{3}) \|", page, re.M)) == set(ZH["PROBLEMS"])
    assert "docs/codes.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("n", "text"), [(1, "every day"), (2, "every 2 days"), (0, "every 0 days")])
def test_english_counts_take_the_right_plural(n, text):
    assert say("cadence_days", "en", n=n) == text
    assert say("cadence_days", "zh", n=n) == f"每 {n} 天"


def test_templates_fill_in_params_and_optional_suggestions():
    assert problem_text("FU105", {"owner": "lihua", "suggestion": "li-hua"}, "en") == (
        "owner `lihua` is not in rules/team.yaml", "use a salesperson id (did you mean `li-hua`?)")
    assert problem_text("FU105", {"owner": "lihua", "suggestion": ""}, "zh")[1] == "改成团队里的销售 id"
    assert problem_text("FU101", {}, "en")[0] == "missing required key `?`"
    assert Words("en")("tier_members", tier="A", label="hot", n=1) == "A hot (1)"


BRANCH = re.compile(r"""lang\s*[!=]=\s*["'](?:zh|en)|\bzh\s*=[^=]|\bif zh\b|\bzh else\b|_zh\("""
                    r"""|[{,]\s*["'](?:zh|en)["']\s*:""")
CONVERTED = ["text/explain.py", "text/conditions.py", "board/**/*.py", "cli/report.py", "cli/board.py",
             "cli/core.py", "transfer/exporter.py", "transfer/feeds.py", "cli/transfer.py"]


def test_no_language_branches_where_the_words_come_from_the_catalogue():
    """``"…" if lang == "zh" else "…"``, ``zh = …`` flags and inline ``{"zh": …, "en": …}`` tables
    are how words drifted apart; these modules ask the catalogue instead."""
    files = sorted({p for pattern in CONVERTED for p in PACKAGE.glob(pattern)})
    assert len(files) > 15
    branches = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
                for path in files
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if BRANCH.search(line)]
    assert branches == []
