"""The built board in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``).

The site is built once for the module from the sample customers anchored at
2026-11-22, plus one hostile record (``tests/fixtures/hostile/``), and served by a
local ``http.server`` on 127.0.0.1. Expected numbers are computed here, straight
from the record files with python-frontmatter — not with followup's own code
(``board_site.py``, shared with the English board's test ``test_board_browser_en.py``).

Screenshots land in ``test-artifacts/`` (git-ignored) so a person can look.
``tools/dev test`` installs chromium; set FOLLOWUP_SKIP_BROWSER=1 to skip these tests.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from board_site import (
    ARTIFACTS,
    HOSTILE_MARKUP,
    OVERVIEW_COUNTS,
    chromium,
    contact_secrets,
    css,
    expected,
    linked_ids,
    number,
    open_page,
    overview_numbers,
    records,
    served_board,
    site_texts,
)

if os.environ.get("FOLLOWUP_SKIP_BROWSER"):
    pytest.skip("FOLLOWUP_SKIP_BROWSER is set", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # built as two MkDocs builds at once, as a large board is (board/parallel.py); the English
    # board's test builds the small default way, in one
    yield from served_board(tmp_path_factory, "--jobs", "2")


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


# --- tests ------------------------------------------------------------------------------


def test_overview_counts_match_the_records(site, browser):
    want = expected(site["root"])
    open_page(browser, site, "index.html")
    shown = overview_numbers(browser)
    for key in OVERVIEW_COUNTS:
        assert shown["stats"][key] == want[key], key
    assert shown["stats"]["forecast"] == pytest.approx(want["forecast"])
    assert shown["tiers"] == want["tiers"]
    assert sum(want["tiers"].values()) == want["customers"]
    assert shown["owners"] == want["owners"]
    browser.save_screenshot(str(ARTIFACTS / "board-overview.png"))


def test_each_salespersons_call_list_matches_the_records(site, browser):
    want = expected(site["root"])
    open_page(browser, site, "today.html")
    assert want["rolled"]["liu-yang"], "the test team gives liu-yang too small a capacity to fit all"
    for owner, ids in want["call_lists"].items():
        assert linked_ids(browser, f"#fu-calls-{owner} tbody td:nth-child(2) a") == ids, owner
        assert linked_ids(browser, f"#fu-rolled-{owner} tbody td:nth-child(2) a") == want["rolled"][owner], (
            owner
        )
    assert str(want["day"]) in browser.find_element("css selector", "article").text


def test_alerts_match_the_records(site, browser):
    want = expected(site["root"])
    open_page(browser, site, "alerts.html")
    for kind in ("protection", "inactive", "archive", "stalled"):
        assert set(linked_ids(browser, f"#fu-alerts-{kind} tbody td:first-child a")) == want[kind], kind
    conflicts = set(linked_ids(browser, "#fu-alerts-conflict tbody td:first-child a"))
    assert want["phone_pairs"]
    for first, second in want["phone_pairs"]:  # one phone on two records: one of them is flagged
        assert first in conflicts or second in conflicts, (first, second)
    assert conflicts <= {m for pair in want["phone_pairs"] for m in pair} | want["other_conflicts"]


def test_search_finds_a_customer_by_a_two_character_chinese_fragment(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, site, "index.html")
    browser.execute_script("document.getElementById('__search').checked = true")
    box = css(browser, "input.md-search__input")[0]
    box.send_keys("滑石")  # from 海城华晟滑石粉厂
    WebDriverWait(browser, 15).until(lambda d: css(d, ".md-search-result__link"))
    hrefs = [a.get_attribute("href") for a in css(browser, ".md-search-result__link")]
    assert "customers/haicheng-talc.html" in hrefs[0]


def test_search_finds_a_customer_from_the_second_build_part_by_a_two_character_fragment(site, browser):
    import re

    from selenium.webdriver.support.ui import WebDriverWait

    from followup.board.parallel import plan

    second = plan(site["root"] / "site_src", 2)[1]  # the pages the child process built
    names = {m["id"]: str(m.get("name") or "") for m in records(site["root"])}

    def unique_fragment(cid):
        fragments = re.findall(r"(?=([\u4e00-\u9fff]{2}))", names[cid])
        return next((f for f in fragments if sum(f in n for n in names.values()) == 1), None)

    cid, fragment = next((c, unique_fragment(c)) for c in sorted(names)
                         if f"customers/{c}.md" in second and unique_fragment(c))
    open_page(browser, site, "index.html")
    browser.execute_script("document.getElementById('__search').checked = true")
    css(browser, "input.md-search__input")[0].send_keys(fragment)
    WebDriverWait(browser, 15).until(lambda d: css(d, ".md-search-result__link"))
    hrefs = [a.get_attribute("href") for a in css(browser, ".md-search-result__link")]
    assert any(h.split("?")[0].endswith(f"customers/{cid}.html") for h in hrefs), (cid, fragment, hrefs)
    open_page(browser, site, f"customers/{cid}.html")
    assert css(browser, "h1")[0].text == names[cid]


def test_a_table_sorts_when_its_header_is_clicked(site, browser):
    open_page(browser, site, "overdue.html")
    headers = css(browser, "table.fu-sortable thead th")
    column = [h.text.strip() for h in headers].index("逾期天数")

    def values():
        return [
            number(td.get_attribute("data-sort"))
            for td in css(browser, f"table.fu-sortable tbody td:nth-child({column + 1})")
        ]

    assert len(values()) > 3
    headers[column].click()
    assert values() == sorted(values())
    assert headers[column].get_attribute("aria-sort") == "ascending"
    headers[column].click()
    assert values() == sorted(values(), reverse=True)
    assert headers[column].get_attribute("aria-sort") == "descending"


def test_a_customer_page_shows_its_grade_reasons_and_timeline(site, browser):
    open_page(browser, site, "customers/haicheng-talc.html")
    reasons = css(browser, "#fu-reasons li")
    text = "\n".join(r.text for r in reasons)
    assert "原因" in text and "✓" in text and "下次跟进" in text
    assert css(browser, "#fu-timeline tbody tr")
    phones = [td.text for td in css(browser, "#fu-contacts tbody td:nth-child(3)")]
    assert phones and all("****" in p for p in phones)
    browser.save_screenshot(str(ARTIFACTS / "board-customer.png"))


def test_no_console_errors_on_any_kind_of_page(site, browser):
    browser.get_log("browser")  # drop what earlier tests left
    errors = []
    for path in (
        "index.html",
        "today.html",
        "overdue.html",
        "tiers/index.html",
        "tiers/A.html",
        "people/index.html",
        "people/li-ming.html",
        "alerts.html",
        "value.html",
        "rules.html",
        "customers/haicheng-talc.html",
        "customers/hostile-xss.html",
    ):
        open_page(browser, site, path)
        time.sleep(0.2)
        errors += [(path, e["message"]) for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_a_hostile_record_is_shown_as_text_and_never_runs(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, site, "customers/hostile-xss.html")
    assert browser.execute_script("return window.__xss") is None
    title = css(browser, "article h1")[0].text
    assert "<script>window.__xss=1</script>恶意测试" in title
    body = css(browser, "pre.fu-body")[0].text
    assert "<script>window.__xss=8</script>" in body and "[link](javascript:window.__xss=9)" in body
    assert not css(browser, "article script, article img, article svg[onload], article iframe")
    assert all(not (a.get_attribute("href") or "").startswith("javascript:") for a in css(browser, "a"))
    # search results render record text too
    browser.execute_script("document.getElementById('__search').checked = true")
    css(browser, "input.md-search__input")[0].send_keys("恶意")
    WebDriverWait(browser, 15).until(lambda d: css(d, ".md-search-result__link"))
    time.sleep(0.3)
    assert browser.execute_script("return window.__xss") is None


def test_every_built_page_masks_phones_emails_and_wechat_ids_and_escapes_markup(site):
    root = site["root"]
    secrets = contact_secrets(root)
    assert len(secrets) > 40
    pages = list(site_texts(root))
    assert len([p for p, _ in pages if p.suffix == ".html"]) > 50
    assert len([p for p, _ in pages if p.suffix == ".ics"]) >= 4
    leaks = [(p.name, s) for p, text in pages for s in secrets if s in text]
    assert leaks == []
    bad = [(p.name, m) for p, text in pages for m in HOSTILE_MARKUP if m in text and p.suffix != ".ics"]
    assert bad == []


def test_the_sample_board_builds_quickly(site):
    assert site["seconds"] < 60


def test_each_customer_has_one_compact_search_entry_and_no_timeline_in_the_index(site):
    root = site["root"]
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    customer_docs = [d for d in index["docs"] if d["location"].startswith("customers/")]
    pages = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site/customers").glob("*.html"))
    assert sorted(d["location"] for d in customer_docs) == pages  # one entry each, no sections
    talc = next(d for d in customer_docs if d["location"] == "customers/haicheng-talc.html")
    assert talc["title"] == "海城华晟滑石粉厂"
    assert talc["text"].startswith("haicheng-talc · 李明 · ")
    notes = {str(e.get("note")) for meta in records(root) for e in meta.get("log") or [] if e.get("note")}
    text = json.dumps(index, ensure_ascii=False)
    assert [n for n in notes if len(n) > 8 and n in text] == []
    assert not (root / "site" / ".customer-search.json").exists()
