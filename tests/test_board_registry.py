"""The board's page registry (board/pages/__init__.py): the nav is generated from it, and a new
page is one module, one registry entry and its words -- built here end to end by `followup board`
in strict mode."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

from conftest import ANCHOR
from followup.board import overrides, pages
from followup.board.pages import PAGES, Board, Page, nav
from followup.cli import graded, main
from followup.store.workspace import load_workspace
from followup.text import en, zh

REPO = Path(__file__).resolve().parents[1]

SOURCES_PAGE = '''"""Customers per source (sources.md)."""

from followup.board import html as h


def render(board, entry):
    counts = {}
    for grade in board.active:
        source = grade.customer.source or "-"
        counts[source] = counts.get(source, 0) + 1
    rows = [[source, n] for source, n in sorted(counts.items())]
    table = h.table([board.t("source"), board.t("customers")], rows, id="fu-sources")
    return {entry.path: board.document(board.t(entry.title), board.as_of_line(), table)}
'''


def test_the_nav_is_the_registry_in_order_and_mkdocs_yml_keeps_none(sample_repo):
    assert nav() == ["index.md", "today.md", "overdue.md", "tiers/index.md", "people/index.md",
                     "alerts.md", "value.md", "rules.md"]
    assert "nav" not in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    shutil.copy(REPO / "mkdocs.yml", sample_repo / "mkdocs.yml")
    ws = load_workspace(sample_repo, ANCHOR)
    assert overrides(sample_repo, ws, "en")["nav"] == nav()
    board = Board(ws, graded(ws), ANCHOR, "en")
    for page in PAGES:
        assert page.title in en.WORDS and page.title in zh.WORDS
        if not page.per_customer:
            assert page.path in page.render(board)


def test_a_new_page_is_one_module_one_entry_and_its_words(sample_repo, tmp_path, monkeypatch):
    folder = tmp_path / "more_pages"
    folder.mkdir()
    (folder / "sources.py").write_text(SOURCES_PAGE, encoding="utf-8")
    monkeypatch.setattr(pages, "__path__", [*pages.__path__, str(folder)])
    monkeypatch.setattr(pages, "PAGES", [*PAGES, Page("sources", "sources.md", "sources")])
    monkeypatch.setitem(zh.WORDS, "sources", "客户来源")
    monkeypatch.setitem(en.WORDS, "sources", "Sources")
    try:
        shutil.copy(REPO / "mkdocs.yml", sample_repo / "mkdocs.yml")
        shutil.copytree(REPO / "site_src" / "assets", sample_repo / "site_src" / "assets")
        assert main(["grade", "--write", "--root", str(sample_repo), "--as-of", str(ANCHOR)]) == 0
        assert main(["board", "--root", str(sample_repo), "--as-of", str(ANCHOR), "--lang", "en"]) == 0
    finally:
        sys.modules.pop("followup.board.pages.sources", None)
    page = (sample_repo / "site" / "sources.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Sources</h1>", page) and 'id="fu-sources"' in page
    index = (sample_repo / "site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+\.html)" class="md-nav__link', index)
    order = [link for link in dict.fromkeys(links) if link in ("rules.html", "sources.html")]
    assert order == ["rules.html", "sources.html"]
