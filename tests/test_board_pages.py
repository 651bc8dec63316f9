"""Generating the board's pages (no browser): reproducible, safe paths, masking, language."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import ANCHOR
from followup.board import generate, render_pages
from followup.board.html import esc, table
from followup.board.safety import Masker, slugify, unique_slugs
from followup.cli import graded, main
from followup.store.workspace import load_workspace

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "hostile-xss.md"


def pages_of(repo, as_of=ANCHOR, lang="zh"):
    ws = load_workspace(repo, as_of)
    return render_pages(ws, graded(ws), as_of, lang)


def test_pages_are_a_function_of_the_records_and_the_as_of_date(sample_repo):
    first = pages_of(sample_repo)
    assert first == pages_of(sample_repo)
    later = pages_of(sample_repo, ANCHOR + dt.timedelta(days=3))
    assert first["index.md"] != later["index.md"]
    assert "customers/haicheng-talc.md" in first and "tiers/A.md" in first and "people/li-ming.md" in first
    ws = load_workspace(sample_repo, ANCHOR)
    target = sample_repo / "site_src"
    counts = generate(ws, graded(ws), ANCHOR, "zh", target)
    assert counts["written"] == counts["pages"] == len(first)
    again = generate(ws, graded(ws), ANCHOR, "zh", target)
    assert again["written"] == 0 and again["unchanged"] == len(first)


def test_stale_generated_pages_go_and_hand_written_files_stay(sample_repo):
    target = sample_repo / "site_src"
    (target / "assets").mkdir(parents=True)
    (target / "assets" / "mine.css").write_text("a{}", encoding="utf-8")
    (target / "guide.md").write_text("# 我们的用法\n", encoding="utf-8")
    ws = load_workspace(sample_repo, ANCHOR)
    generate(ws, graded(ws), ANCHOR, "zh", target)
    assert (target / "customers" / "haicheng-talc.md").is_file()
    (sample_repo / "customers" / "haicheng-talc.md").unlink()
    ws = load_workspace(sample_repo, ANCHOR)
    counts = generate(ws, graded(ws), ANCHOR, "zh", target)
    assert counts["removed"] == 1
    assert not (target / "customers" / "haicheng-talc.md").exists()
    assert (target / "guide.md").is_file() and (target / "assets" / "mine.css").is_file()


def test_a_customer_id_cannot_escape_its_page_path(sample_repo, tmp_path):
    (sample_repo / "customers" / "evil.md").write_text(
        '---\nid: "../../../../outside/<b>x</b>"\nname: 恶意路径\nowner: li-ming\n'
        "registered: 2026-11-01\n---\n",
        encoding="utf-8",
    )
    ws = load_workspace(sample_repo, ANCHOR)
    assert any(p.code == "FU104" for p in ws.problems)
    pages = render_pages(ws, graded(ws), ANCHOR, "zh")
    evil = [p for p in pages if "outside" in p]
    assert len(evil) == 1
    assert evil[0].startswith("customers/") and ".." not in evil[0] and "<" not in evil[0]
    assert evil[0].count("/") == 1
    generate(ws, graded(ws), ANCHOR, "zh", sample_repo / "site_src")
    assert not (sample_repo.parent / "outside").exists()


def test_slugs_are_safe_and_unique():
    assert slugify("zhang-wei") == "zhang-wei"
    assert slugify("张伟") == "张伟"
    for nasty in ("../x", "a/b", "a\\b", "<script>", "a b", ".hidden", ""):
        slug = slugify(nasty, nasty)
        assert "/" not in slug and "\\" not in slug and ".." not in slug and "<" not in slug
        assert not slug.startswith(".")

    class C:
        def __init__(self, cid, path):
            self.id, self.path = cid, path

    slugs = unique_slugs([C("Zhang", "customers/a/Zhang.md"), C("zhang", "customers/b/zhang.md")])
    assert len({s.casefold() for s in slugs.values()}) == 2


def test_free_text_is_masked_and_escaped():
    class Customer:
        contacts = [{"phone": "138 1234 5678", "email": "zw@example.com", "wechat": "zw_buyer88"}]

    masker = Masker(("phone", "email", "wechat"), [Customer()])
    text = masker.text(
        "电话 138 1234 5678,另一个 +86 139-8765-4321,邮箱 zw@example.com,微信 zw_buyer88,"
        "日期 2026-11-22,预算 300 万"
    )
    assert "139****4321" in text and "8765" not in text
    assert "138****5678" in text and "z***@example.com" in text and "zw******88" in text
    assert "2026-11-22" in text and "300 万" in text
    assert Masker((), [Customer()]).text("138 1234 5678") == "138 1234 5678"
    assert esc("<a>\n\nb") == "&lt;a&gt;&#10;&#10;b"  # no blank line can end a raw HTML block
    assert "<script>" not in table(["<script>"], [["<script>"]])


def test_hostile_record_text_never_reaches_the_markdown_raw(sample_repo):
    shutil.copy(HOSTILE, sample_repo / "customers" / HOSTILE.name)
    page = pages_of(sample_repo)["customers/hostile-xss.md"]
    for raw in ("<script", "<img", "<svg", "<iframe", "<b "):
        assert raw not in page, raw
    assert "\n\n\n" not in page
    assert "139 8765 4321" not in page and "evil_wechat_01" not in page


def test_english_board_from_the_settings(sample_repo):
    settings = sample_repo / "rules" / "followup.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8"
    )
    assert main(["board", "--no-build", "--root", str(sample_repo), "--as-of", str(ANCHOR)]) == 0
    index = (sample_repo / "site_src" / "index.md").read_text(encoding="utf-8")
    assert "Overview" in index and "due today" in index and "今日到期" not in index
    customer = (sample_repo / "site_src" / "customers" / "haicheng-talc.md").read_text(encoding="utf-8")
    assert "because:" in customer


def test_board_needs_mkdocs_yml(sample_repo, capsys):
    assert main(["board", "--root", str(sample_repo), "--as-of", str(ANCHOR)]) == 2
    assert "FU602" in capsys.readouterr().err


def test_recycle_warnings_follow_the_ownership_policy(sample_repo):
    from followup.engine import alerts, ownership

    ws = load_workspace(sample_repo, ANCHOR)
    grades = graded(ws)
    policy = ws.rules.policy
    planned = {r.customer.id for r in ownership.recycle_plan(ws, grades, policy, ANCHOR)}
    found = alerts.recycle_alerts(ws, grades, ANCHOR)
    assert planned and {a.customer.id for a in found} == planned
    page = render_pages(ws, grades, ANCHOR, "zh")["alerts.md"]
    assert 'id="fu-alerts-recycle"' in page
    assert all(f"{a.customer.id}.html" in page.split('id="fu-alerts-recycle"')[1] for a in found)
    today = render_pages(ws, grades, ANCHOR, "zh")["today.md"]
    assert "即将回收" in today or "已到回收期" in today


def test_broken_and_odd_records_do_not_stop_the_board(sample_repo, capsys):
    customers = sample_repo / "customers"
    (customers / "broken.md").write_text("---\nid: broken\nname: [oops\n---\n", encoding="utf-8")
    (customers / "noreg.md").write_text('---\nid: noreg\nname: 无登记\nowner: "<b>x</b>/../y"\n---\n正文\n',
                                        encoding="utf-8")
    (customers / "张三公司.md").write_text(
        '---\nid: 张三公司\nname: "张三 *公司* | a"\nowner: li-ming\n'
        'registered: 2026-11-21\nstage: "9"\n---\n',
        encoding="utf-8")
    assert main(["board", "--no-build", "--root", str(sample_repo), "--as-of", str(ANCHOR)]) == 0
    site_src = sample_repo / "site_src"
    assert (site_src / "customers" / "张三公司.md").is_file()
    assert not (site_src / "customers" / "broken.md").exists()
    people = sorted(p.name for p in (site_src / "people").iterdir())
    assert all("/" not in p and "<" not in p and ".." not in p for p in people)
    assert all(path.resolve().is_relative_to(site_src.resolve()) for path in site_src.rglob("*"))


def test_stalled_tiers_use_the_playbook_or_the_seed_default(sample_repo):
    from followup.engine.alerts import stall_alerts, stall_rule

    preset = sample_repo / "rules" / "presets" / "s1-ae-tracking.yaml"
    text = "".join(line for line in preset.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.strip().startswith("stall:"))
    preset.write_text(text, encoding="utf-8")
    ws = load_workspace(sample_repo, ANCHOR)
    book = ws.rules.playbook
    assert stall_rule(book, "A") == (7, "B") and stall_rule(book, "B") is None
    stalled = stall_alerts(ws, graded(ws), ANCHOR)
    assert stalled and {a.grade.tier for a in stalled} == {"A"} and all(a.days > 7 for a in stalled)
    preset.write_text(text.replace("        cadence: {days: 7}\n",
                                   "        cadence: {days: 7}\n        stall: {after_days: 20, to: C}\n", 1),
                      encoding="utf-8")
    ws = load_workspace(sample_repo, ANCHOR)
    book = ws.rules.playbook
    assert stall_rule(book, "B") == (20, "C") and stall_rule(book, "A") is None
    assert {a.grade.tier for a in stall_alerts(ws, graded(ws), ANCHOR)} <= {"B"}
