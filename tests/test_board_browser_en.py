"""The English board (``followup board --lang en``) in a real headless Chromium.

The same sample repository as ``test_board_browser.py`` (``board_site.py`` builds and serves
it, once for this module), built in English: the overview's headings, tiles, table headers
and navigation are the exact strings of the English text table
(``followup.text.en.WORDS``), the page says ``lang="en"`` and Material's own
interface is English; the overview's numbers equal the numbers computed from the record
files; a customer page gives its grade reasons in English; no page logs a console error;
no phone number, email or WeChat id appears unmasked.
"""

from __future__ import annotations

import os
import re
import time

import pytest

from board_site import (
    ARTIFACTS,
    OVERVIEW_COUNTS,
    chromium,
    contact_secrets,
    css,
    expected,
    open_page,
    overview_numbers,
    served_board,
    site_texts,
)
from followup.text import CATALOGUES

if os.environ.get("FOLLOWUP_SKIP_BROWSER"):
    pytest.skip("FOLLOWUP_SKIP_BROWSER is set", allow_module_level=True)

EN = CATALOGUES["en"].WORDS
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from served_board(tmp_path_factory, "--lang", "en", timing="board-en-build-seconds.txt")


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def texts(browser, selector: str) -> list[str]:
    """The DOM text of each match (``textContent``, so CSS text-transform does not matter)."""
    return [e.get_attribute("textContent").strip() for e in css(browser, selector)]


def test_the_overview_is_english_and_its_counts_match_the_records(site, browser):
    want = expected(site["root"])
    open_page(browser, site, "index.html")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert css(browser, "input.md-search__input")[0].get_attribute("placeholder") == "Search"  # Material's

    assert texts(browser, "article h1") == [EN["overview"]]
    assert texts(browser, "article h2") == [EN["per_tier"], EN["per_owner"], EN["funnel"], EN["forecast"]]
    labels = {
        tile.get_attribute("data-stat"): tile.find_element("css selector", ".fu-stat-label")
        .get_attribute("textContent")
        for tile in css(browser, ".fu-stat")
    }
    assert labels == {
        "customers": EN["active"],
        "due_today": EN["due_today"],
        "overdue": EN["overdue_n"],
        "new_week": EN["new_week"],
        "calls": f"{EN['calls_day']} {want['day']}",
        "forecast": EN["forecast"],
    }
    assert texts(browser, "#fu-tiers thead th") == [
        EN["tier"], EN["label"], EN["cadence"], EN["members"], EN["overdue_n"]
    ]
    assert texts(browser, "#fu-owners thead th") == [
        EN["owner"], EN["team"], EN["members"], EN["due_today"], EN["overdue_n"], EN["calls"], EN["capacity"]
    ]
    pages = [EN[k] for k in ("overview", "today", "overdue", "tiers", "people", "alerts", "value", "rules")]
    nav = list(dict.fromkeys(texts(browser, ".md-nav--primary .md-ellipsis")))
    assert [label for label in nav if label in pages] == pages
    chrome = [*texts(browser, "article h1, article h2, article th, .fu-stat-label"), *nav]
    assert [t for t in chrome if HAN.search(t)] == []  # only record data (names, tier labels) is Chinese

    shown = overview_numbers(browser)
    assert {k: shown["stats"][k] for k in OVERVIEW_COUNTS} == {k: want[k] for k in OVERVIEW_COUNTS}
    assert shown["stats"]["forecast"] == pytest.approx(want["forecast"])
    assert shown["tiers"] == want["tiers"]
    assert shown["owners"] == want["owners"]
    browser.save_screenshot(str(ARTIFACTS / "board-en-overview.png"))


def test_a_customer_page_gives_its_reasons_in_english_and_masks_phones(site, browser):
    open_page(browser, site, "customers/haicheng-talc.html")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    reasons = "\n".join(texts(browser, "#fu-reasons li"))
    words = EN
    assert f"{words['because']}:" in reasons and "✓" in reasons
    assert f"{words['due']} 2026-11-23: {words['last_contact']} 2026-11-21" in reasons
    assert all(w not in reasons for w in (CATALOGUES["zh"].WORDS["because"], CATALOGUES["zh"].WORDS["due"]))
    headings = texts(browser, "article h2")
    assert {EN["grade"], EN["contacts"], EN["timeline"]} <= set(headings)
    header = texts(browser, "#fu-contacts thead th")
    column = header.index(EN["phone"]) + 1
    phones = texts(browser, f"#fu-contacts tbody td:nth-child({column})")
    assert phones and all("****" in p for p in phones)
    visible = browser.find_element("css selector", "body").text
    assert [s for s in contact_secrets(site["root"]) if s in visible] == []
    browser.save_screenshot(str(ARTIFACTS / "board-en-customer.png"))


def test_no_console_errors_on_the_english_pages(site, browser):
    browser.get_log("browser")  # drop what earlier tests left
    errors = []
    for path in ("index.html", "today.html", "overdue.html", "tiers/A.html", "people/li-ming.html",
                 "alerts.html", "value.html", "rules.html", "customers/haicheng-talc.html"):
        open_page(browser, site, path)
        time.sleep(0.2)
        assert browser.execute_script("return document.documentElement.lang") == "en", path
        errors += [(path, e["message"]) for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_no_page_of_the_english_board_shows_an_unmasked_phone_email_or_wechat_id(site):
    secrets = contact_secrets(site["root"])
    pages = list(site_texts(site["root"]))
    assert len([p for p, _ in pages if p.suffix == ".html"]) > 50
    assert [(p.name, s) for p, text in pages for s in secrets if s in text] == []
