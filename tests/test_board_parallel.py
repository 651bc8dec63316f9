"""The board on every core: built as several MkDocs builds at once (board/parallel.py) and its
customer pages written by worker processes (board/output.py) — the same site as one build."""

from __future__ import annotations

import gzip
import itertools
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import ANCHOR, REPO, make_repo
from followup.board import build, generate, overrides, render_pages
from followup.board import parallel as par
from followup.board.pages import relative
from followup.cli import graded, main
from followup.store.workspace import load_workspace

PARTS = 3  # more than two: the middle part is neither the one with the site nor the last


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def board_repo(target: Path) -> Path:
    root = make_repo(target)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_src" / "assets", root / "site_src" / "assets")
    assert main(["board", "--no-build", "--root", str(root), "--as-of", str(ANCHOR)]) == 0
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample board built once in one build and once in PARTS parts."""
    root = board_repo(tmp_path_factory.mktemp("parallel") / "repo")
    ws = load_workspace(root, ANCHOR)
    assert build(root, ws, "zh", jobs=1) == 1
    single = tree(root / "site")
    assert build(root, ws, "zh", jobs=PARTS) == PARTS
    return {"root": root, "ws": ws, "single": single, "merged": tree(root / "site")}


@pytest.fixture
def repo(built, tmp_path):
    """A copy of the built board's repository to change."""
    root = tmp_path / "repo"
    shutil.copytree(built["root"], root, ignore=shutil.ignore_patterns("site"))
    return root


def customer_sources(root: Path) -> set[str]:
    return {p.relative_to(root / "site_src").as_posix() for p in (root / "site_src/customers").glob("*.md")}


def test_a_board_built_in_parts_is_byte_for_byte_the_single_build(built):
    assert built["merged"].keys() == built["single"].keys()
    different = [name for name, data in built["merged"].items() if data != built["single"][name]]
    assert different == []
    assert not list(built["root"].glob(".site-parts-*"))  # the parts' folders are gone


def test_the_parts_share_out_every_customer_page_exactly_once(built):
    root = built["root"]
    shares = par.plan(root / "site_src", PARTS)
    assert all(shares[1:])  # part 0 also builds the other pages: on this small board, only them
    assert sum(len(s) for s in shares) == len(set().union(*shares)) == len(customer_sources(root))
    assert set().union(*shares) == customer_sources(root)
    pages = {n for n in built["merged"] if n.startswith("customers/") and n.endswith(".html")}
    assert pages == {s.removesuffix(".md") + ".html" for s in customer_sources(root)}


def test_the_shares_balance_the_estimated_work_and_part_0_has_the_other_pages_too(tmp_path):
    (tmp_path / "customers").mkdir()
    (tmp_path / "index.md").write_text("x" * 20_000, encoding="utf-8")
    for i in range(30):
        (tmp_path / "customers" / f"c{i:02d}.md").write_text("x" * (5_000 + 300 * i), encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("x" * 10**6, encoding="utf-8")  # not a page: not counted
    shares = par.plan(tmp_path, 2)
    assert shares == par.plan(tmp_path, 2) and set().union(*shares) == {
        f"customers/c{i:02d}.md" for i in range(30)}

    def cost(share):
        return sum(par.PAGE_COST + (tmp_path / uri).stat().st_size for uri in share)

    site = par.PAGE_COST + 20_000 * par.INDEXED_FACTOR
    assert shares[0] and len(shares[0]) < len(shares[1])
    assert abs(site + cost(shares[0]) - cost(shares[1])) < par.PAGE_COST + 15_000


def test_the_search_index_has_each_customer_once_and_the_other_pages(built):
    index = json.loads(built["merged"]["search/search_index.json"])
    locations = [d["location"] for d in index["docs"]]
    customers = [loc for loc in locations if loc.startswith("customers/")]
    assert sorted(customers) == sorted({loc for loc in customers})  # each entry once
    assert set(customers) == {n for n in built["merged"] if n.startswith("customers/")}
    pages = {loc.split("#")[0] for loc in locations if not loc.startswith("customers/")}
    assert {"index.html", "today.html", "overdue.html", "alerts.html", "tiers/A.html"} <= pages


HREF = re.compile(rb'<a [^>]*href="([^"#?]*)[^"]*"')


def test_every_link_in_the_merged_site_resolves_and_customers_link_both_ways(built):
    site = built["merged"]
    broken, into_customers, out_of_customers = [], 0, 0
    for name, data in site.items():
        if not name.endswith(".html"):
            continue
        for href in HREF.findall(data):
            href = href.decode()
            if not href or "://" in href or href.startswith(("mailto:", "javascript:")):
                continue
            here = "" if href.startswith("/") else posixpath.dirname(name)  # 404.html links from /
            target = posixpath.normpath(posixpath.join(here, href.lstrip("/")))
            if target.endswith("/") or target == ".":
                target = posixpath.join(target, "index.html").lstrip("./")
            if target not in site:
                broken.append((name, href))
            into_customers += target.startswith("customers/") and not name.startswith("customers/")
            out_of_customers += name.startswith("customers/") and target.startswith(("tiers/", "people/"))
    assert broken == []
    assert into_customers > 100 and out_of_customers > 2 * len(customer_sources(built["root"]))


def test_markdown_links_across_parts_resolve_and_a_broken_one_fails_the_part_that_has_it(repo):
    ws = load_workspace(repo, ANCHOR)
    theirs = sorted(par.plan(repo / "site_src", 2)[1])[0]  # a page the child process builds
    index = repo / "site_src" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n[→]({theirs})\n", encoding="utf-8")
    page = repo / "site_src" / theirs
    page.write_text(page.read_text(encoding="utf-8") + "\n[→](../tiers/A.md)\n", encoding="utf-8")
    assert build(repo, ws, "zh", jobs=2) == 2
    target = theirs.removesuffix(".md") + ".html"
    assert f'href="{target}"' in (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="../tiers/A.html"' in (repo / "site" / target).read_text(encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8") + "\n[x](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(Abort, match="strict mode"):
        build(repo, ws, "zh", jobs=2)


def test_the_parts_sitemap_entries_are_merged_when_the_site_has_a_url(repo):
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "site_url: https://board.example/\n",
                      encoding="utf-8")
    ws = load_workspace(repo, ANCHOR)

    def sitemap():
        text = (repo / "site" / "sitemap.xml").read_text(encoding="utf-8")
        with gzip.open(repo / "site" / "sitemap.xml.gz") as packed:
            assert packed.read().decode("utf-8") == text
        return sorted(re.findall(r"<loc>(.*?)</loc>", text)), (repo / "site/sitemap.xml.gz").read_bytes()[4:8]

    build(repo, ws, "zh", jobs=1)
    single, single_mtime = sitemap()
    assert build(repo, ws, "zh", jobs=2) == 2
    merged, merged_mtime = sitemap()
    assert len(single) > len(customer_sources(repo)) and merged == single
    assert merged_mtime == single_mtime


def test_one_build_for_a_small_board_or_a_plugin_that_may_need_every_page(repo):
    ws = load_workspace(repo, ANCHOR)
    settings = overrides(repo, ws, "zh")
    assert par.parts_for(par.load(repo / "mkdocs.yml", settings), None) == 1  # 44 customers
    assert par.parts_for(par.load(repo / "mkdocs.yml", settings), 2) == 2
    hook = repo / "collect.py"
    hook.write_text("def on_page_markdown(markdown, **kwargs):\n    return markdown\n", encoding="utf-8")
    with_hook = {**settings, "hooks": [*settings["hooks"], str(hook)]}
    assert par.parts_for(par.load(repo / "mkdocs.yml", with_hook), 2) == 1


def test_worker_processes_write_the_same_pages_and_the_same_counts(repo):
    ws = load_workspace(repo, ANCHOR)
    grades = graded(ws)
    target = repo / "site_src"
    for page in [*target.rglob("*.md"), target / ".customer-search.json"]:
        page.unlink()
    pages = render_pages(ws, grades, ANCHOR, "zh")
    counts = generate(ws, grades, ANCHOR, "zh", target, jobs=2)
    assert counts == {"pages": len(pages), "written": len(pages), "unchanged": 0, "removed": 0}
    assert {rel: (target / rel).read_text(encoding="utf-8") for rel in pages} == pages
    (target / "customers" / "gone.md").write_text((target / "index.md").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    again = generate(ws, grades, ANCHOR, "zh", target, jobs=2)
    assert again == {"pages": len(pages), "written": 0, "unchanged": len(pages), "removed": 1}


def test_a_link_between_pages_is_what_relpath_gives():
    pages = ["index.md", "customers/a.md", "tiers/A.md", "people/x/y.md"]
    targets = ["index.html", "customers/b.html", "customers/a.html", "tiers/A.html", "people/x/z.html",
               "people/p.html"]
    for page, target in itertools.product(pages, targets):
        want = posixpath.relpath(target, posixpath.dirname(page) or ".")
        assert relative(page, target) == want, (page, target)
