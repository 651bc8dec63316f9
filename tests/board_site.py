"""What the board's browser tests share: building and serving the board, a headless Chromium,
and the expected numbers computed straight from the record files.

The site is built from the sample customers anchored at 2026-11-22, plus one hostile
record (``tests/fixtures/hostile/``), and served by a local ``http.server`` on 127.0.0.1.
Expected numbers come from the record files with python-frontmatter — not from followup's
own code. Used by ``test_board_browser.py`` (the Chinese board) and
``test_board_browser_en.py`` (the English one); each builds its board once per module.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import chinese_calendar
import frontmatter
import yaml

from conftest import ANCHOR, REPO, make_repo
from followup.cli import main

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "hostile-xss.md"
ARTIFACTS = REPO / "test-artifacts"

# seed 003's call-list priority, written into the test repository so the expected order
# below does not depend on how the shipped preset evolves
SEED_003_PRIORITY = """\
priority:
  - {when: {fact: stage, in: ["4", "5"]}, label: {zh: 销售进程 4–5, en: stage 4–5}}
  - {when: {fact: stage, is: "7"}, label: {zh: 合同已到期, en: contract expired}}
"""
NOT_CONTACTS = {"未接通", "备注", "no_answer", "note"}
HOSTILE_MARKUP = [
    "<script>window.__xss",
    "<img src=x onerror",
    "<svg onload",
    "<iframe src=javascript",
    "<b onmouseover",
    'href="javascript:',
]


# --- the site ---------------------------------------------------------------------------


def prepare(root: Path) -> None:
    book = root / "rules" / "presets" / "s1-ae-tracking.yaml"
    lines = book.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next((i for i, line in enumerate(lines) if line.startswith("priority:")), len(lines))
    book.write_text("".join(lines[:cut]) + SEED_003_PRIORITY, encoding="utf-8")
    team = root / "rules" / "team.yaml"  # a small capacity, so one list rolls over
    team.write_text(
        re.sub(r"(id: liu-yang,[^}]*capacity: )\d+", r"\g<1>3", team.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    shutil.copy(HOSTILE, root / "customers" / HOSTILE.name)
    assert main(["grade", "--write", "--root", str(root), "--as-of", str(ANCHOR)]) == 0
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_src" / "assets", root / "site_src" / "assets")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def served_board(
    tmp_path_factory, *board_args: str, timing: str = "board-build-seconds.txt"
) -> Iterator[dict]:
    """Build the board once (``followup board`` plus ``board_args``) and serve it until closed.

    Yields ``{"root", "url", "seconds"}``; the build time also goes to ``test-artifacts/<timing>``.
    """
    root = make_repo(tmp_path_factory.mktemp("board") / "repo")
    prepare(root)
    started = time.perf_counter()
    assert main(["board", "--root", str(root), "--as-of", str(ANCHOR), *board_args]) == 0
    seconds = time.perf_counter() - started
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / timing).write_text(f"{seconds:.2f}\n", encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"root": root, "url": f"http://127.0.0.1:{server.server_address[1]}/", "seconds": seconds}
    server.shutdown()


def chromium() -> Iterator:
    """Debian's headless Chromium through chromedriver, with the browser console log kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="followup-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(browser, site, path: str):
    browser.get(site["url"] + path)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def css(browser, selector):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


# --- the expected numbers, computed from the record files alone -------------------------


def records(root: Path) -> list[dict]:
    out = []
    for path in sorted((root / "customers").rglob("*.md")):
        meta = frontmatter.load(path).metadata
        meta["_path"] = path.relative_to(root).as_posix()
        out.append(meta)
    return out


def next_workday(day: dt.date) -> dt.date:
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def tier_order(root: Path) -> list[str]:
    book = yaml.safe_load((root / "rules" / "presets" / "s1-ae-tracking.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in book["classifications"]["grade"]["tiers"]]


def last_contact(meta, by=None) -> dt.date | None:
    days = [
        e["date"]
        for e in meta.get("log") or []
        if e.get("channel") not in NOT_CONTACTS and (by is None or e.get("by") in by)
    ]
    return max(days) if days else None


def expected(root: Path) -> dict:
    metas = [m for m in records(root) if not m.get("archived")]
    monday = ANCHOR - dt.timedelta(days=ANCHOR.weekday())
    stages = {
        str(s["id"]): s.get("win_rate") or 0
        for s in yaml.safe_load((root / "rules" / "pipeline.yaml").read_text(encoding="utf-8"))["stages"]
    }
    team = yaml.safe_load((root / "rules" / "team.yaml").read_text(encoding="utf-8"))
    capacity = {
        p["id"]: p.get("capacity", team.get("default_capacity", 60))
        for p in team["salespeople"]
        if p.get("role") != "pool"
    }
    tiers = tier_order(root)
    day = next_workday(ANCHOR)

    def rank(m):
        stage = str(m.get("stage"))
        prio = 0 if stage in ("4", "5") else 1 if stage == "7" else 2
        return (prio, tiers.index(m["tier"]), -(day - m["due"]).days, m["id"])

    calls, rolled = {}, {}
    for owner in capacity:
        ready = sorted((m for m in metas if m["owner"] == owner and m["due"] <= day), key=rank)
        calls[owner] = [m["id"] for m in ready[: capacity[owner]]]
        rolled[owner] = [m["id"] for m in ready[capacity[owner] :]]
    policy = yaml.safe_load((root / "rules" / "ownership.yaml").read_text(encoding="utf-8")) or {}
    protect = policy.get("protection") or {}
    assert protect.get("first_callback_days") is None and protect.get("new_intent_days") is None
    limit, pool = protect.get("days_without_followup", 7), policy.get("pool", "pool")
    protection, inactive, archive, stalled = set(), set(), set(), set()
    for m in metas:
        owners = {m["owner"], *(m.get("co_owners") or [])}
        handovers = [h["date"] for h in m.get("owner_history") or [] if h.get("to") == m["owner"]]
        since = max(handovers, default=m["registered"])
        followups = [
            e["date"]
            for e in m.get("log") or []
            if e.get("channel") not in NOT_CONTACTS
            and (not e.get("by") or e.get("by") in owners)
            and e["date"] >= since
        ]
        if (
            m["owner"] != pool
            and not m.get("locked")
            and (ANCHOR - max(followups, default=since)).days > limit
        ):
            protection.add(m["id"])
        idle = (ANCHOR - (last_contact(m) or m["registered"])).days
        if idle >= 365:
            archive.add(m["id"])
        elif idle >= 180:
            inactive.add(m["id"])
        moved = max([m["registered"], *[e["date"] for e in m.get("log") or [] if e.get("set")]])
        if m["tier"] == tiers[0] and (ANCHOR - moved).days > 7:
            stalled.add(m["id"])
    phone_pairs, first_seen = [], {}
    for m in metas:
        for contact in m.get("contacts") or []:
            digits = "".join(ch for ch in str(contact.get("phone") or "") if ch.isdigit()).removeprefix("86")
            if digits and first_seen.setdefault(digits, m["id"]) != m["id"]:
                phone_pairs.append((first_seen[digits], m["id"]))
    return {
        "phone_pairs": phone_pairs,
        "other_conflicts": company_twins(metas),
        "customers": len(metas),
        "due_today": sum(1 for m in metas if m["due"] == ANCHOR),
        "overdue": sum(1 for m in metas if m["due"] < ANCHOR),
        "new_week": sum(1 for m in metas if monday <= m["registered"] <= ANCHOR),
        "calls": sum(len(v) for v in calls.values()),
        "forecast": round(
            sum(
                (m.get("deal_value", m.get("value")) or 0) * stages.get(str(m.get("stage")), 0) for m in metas
            ),
            2,
        ),
        "tiers": {t: sum(1 for m in metas if m["tier"] == t) for t in tiers},
        "owners": {p["id"]: sum(1 for m in metas if m["owner"] == p["id"]) for p in team["salespeople"]},
        "call_lists": calls,
        "rolled": rolled,
        "day": day,
        "protection": protection,
        "inactive": inactive,
        "archive": archive,
        "stalled": stalled,
    }


def company_twins(metas) -> set[str]:
    """Records whose company names match once spaces and legal-form words are dropped — the
    ownership policy's other 撞单 signal; the test only allows these beyond phone twins."""

    def key(name):
        name = re.sub(r"\s+", "", str(name or ""))
        return re.sub(r"(有限责任公司|股份有限公司|有限公司|公司|厂)$", "", name)

    seen, twins = {}, set()
    for m in metas:
        k = key(m.get("name"))
        if k in seen and seen[k] != m["id"]:
            twins |= {seen[k], m["id"]}
        seen.setdefault(k, m["id"])
    return twins


def number(text: str) -> float:
    return float(text.replace(",", "").strip())


OVERVIEW_COUNTS = ("customers", "due_today", "overdue", "new_week", "calls")


def overview_numbers(browser) -> dict:
    """The open overview's numbers: the tiles by ``data-stat`` (forecast included), customers
    per tier (``#fu-tiers``) and per salesperson id (``#fu-owners``) — in any language."""
    stats = {
        e.get_attribute("data-stat"): number(e.find_element("css selector", ".fu-stat-value").text)
        for e in css(browser, ".fu-stat")
    }
    tiers = {
        row.find_elements("css selector", "td")[0].text: number(
            row.find_elements("css selector", "td")[3].text
        )
        for row in css(browser, "#fu-tiers tbody tr")
    }
    owners = {
        link.get_attribute("href").rsplit("/", 1)[-1].removesuffix(".html"): number(
            link.find_element("xpath", "./ancestor::tr").find_elements("css selector", "td")[2].text
        )
        for link in css(browser, "#fu-owners tbody tr td:first-child a")
    }
    return {"stats": stats, "tiers": tiers, "owners": owners}


def linked_ids(browser, selector: str) -> list[str]:
    return [a.get_attribute("href").rsplit("/", 1)[-1].removesuffix(".html") for a in css(browser, selector)]


def site_texts(root: Path):
    for path in sorted((root / "site").rglob("*")):
        if path.suffix in (".html", ".json", ".ics") and path.is_file():
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":  # the search index: undo \uXXXX escapes
                text = json.dumps(json.loads(text), ensure_ascii=False)
            if path.suffix == ".ics":  # calendar feeds: unfold lines, undo RFC 5545 escapes
                text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
            yield path, text


def contact_secrets(root: Path) -> set[str]:
    """Every phone (as written, as digits, without +86), email and WeChat id in the records."""
    secrets = set()
    for meta in records(root):
        for contact in meta.get("contacts") or []:
            phone = str(contact.get("phone") or "")
            digits = "".join(ch for ch in phone if ch.isdigit())
            if digits:
                secrets |= {phone, digits, digits.removeprefix("86")}
            for key in ("email", "wechat"):
                if contact.get(key):
                    secrets.add(str(contact[key]))
    secrets |= {"139-8765-4321", "13987654321"}  # in the hostile record's note and body
    return secrets
