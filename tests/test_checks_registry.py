"""The check families' registry: what each family declares is true (its codes have words in
both languages, and it raises no code it did not declare), and ``check --only`` knows only
registered names."""

from __future__ import annotations

import pytest

from conftest import ANCHOR
from followup.checks import CHECKS, Family, register
from followup.cli import graded, main
from followup.store.workspace import load_workspace
from followup.text import CATALOGUES


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_code_a_family_declares_has_words_in_both_languages(name):
    family = CHECKS[name]
    assert family.name == name and family.codes
    for code in family.codes:
        zh_message, zh_hint = CATALOGUES["zh"].PROBLEMS[code]
        en_message, en_hint = CATALOGUES["en"].PROBLEMS[code]
        assert all((zh_message, zh_hint, en_message, en_hint)), code


def test_a_family_raises_only_the_codes_it_declares(sample_repo):
    # the samples hold a 撞单 and two records of one salesperson sharing a phone; one is made stale
    (sample_repo / "customers" / "chen-hao.md").write_text(
        (sample_repo / "customers" / "chen-hao.md").read_text(encoding="utf-8")
        .replace("\ntier: ", "\ntier: X", 1), encoding="utf-8")
    for lean in (False, True):
        ws = load_workspace(sample_repo, ANCHOR, cache=False, lean=lean)
        grades = graded(ws)
        raised = {name: {p.code for p in family.run(ws, grades)} for name, family in CHECKS.items()}
        assert raised == {"duplicates": {"FU402"}, "freshness": {"FU301"},
                          "ownership": {"FU701"}, "calendar": {"FU511"}}
        for name, codes in raised.items():
            assert codes <= set(CHECKS[name].codes)


def test_check_only_takes_registered_names(sample_repo, capsys):
    where = ["--root", str(sample_repo), "--as-of", str(ANCHOR)]
    assert main(["check", "--only", "nosuch,freshness", *where]) == 2
    assert capsys.readouterr().err == (
        "followup: 没有这项检查:nosuch(可用:duplicates, freshness, ownership, calendar)\n")
    assert main(["check", "--only", "nosuch", "--lang", "en", *where]) == 2
    assert capsys.readouterr().err == (
        "followup: unknown check: nosuch (known: duplicates, freshness, ownership, calendar)\n")
    assert main(["check", "--only", "freshness", *where]) == 0


def test_a_family_needs_a_name_of_its_own():
    with pytest.raises(ValueError):
        register(Family("freshness", ("FU301",), CHECKS["duplicates"].run))
    assert CHECKS["freshness"].codes == ("FU301", "FU302", "FU303")
