"""Build the board on every core: several MkDocs builds at once, the customer pages shared out.

MkDocs renders one page after another in one process: at 10k customers that is ~150 s of one
core while the others idle. :func:`build` runs ``parts`` ordinary strict MkDocs builds at the
same time, from the same ``mkdocs.yml`` and ``site_src/``, and merges what they write:

* Every part sees every file, so each link is resolved and checked against the whole site as
  in a single build. :class:`Share` marks the pages a part does not build as excluded: MkDocs
  neither renders nor writes them, and still resolves a link to one (it logs "excluded from
  the built site" at info level, which strict mode lets pass; a link to a missing page is a
  warning in every part, as before).
* Part 0 builds into ``site/`` everything except the other parts' customer pages: the other
  pages, the theme's assets, the search index (``search_hook.py`` adds every customer's entry;
  customer pages are not indexed themselves, so no index has to be merged), ``404.html`` and
  the sitemap.
* Parts 1… build only their customer pages, in child processes, each into a temporary folder
  next to ``site/``; their pages are then moved into ``site/`` and their sitemap entries
  (MkDocs writes some only when ``site_url`` is set) appended to part 0's.

The merged site is byte for byte the one a single build writes (tests/test_board_parallel.py).
Only plugins known to work page by page are allowed (:data:`PAGEWISE`); with any other plugin
or hook, or a small board, :func:`build` makes one ordinary build.
"""

from __future__ import annotations

import gzip
import heapq
import logging
import multiprocessing
import os
import re
import tempfile
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel

SHARED = "customers/"  # the pages that are shared out; everything else is part 0's
SEARCH_HOOK = str(Path(__file__).with_name("search_hook.py"))
PAGEWISE = {"search", "material/search", SEARCH_HOOK}  # plugins and hooks safe to split
MIN_PAGES_PER_PART = 250  # below this a second process costs more than it saves
# The cost of building a page, in bytes of its source. Measured on customer pages: 4.8 ms a
# page (setting up Python-Markdown, the theme's templates, writing) plus ~1 µs a byte (mostly
# parsing the raw HTML), so a page costs PAGE_COST bytes more than its size. The pages that stay
# in part 0 cost INDEXED_FACTOR times their size: the search plugin parses them again, and part
# 0 also writes the assets and the search index (at 10k customers: 28 pages, 16.5 MB, ~40 s).
PAGE_COST = 5_000
INDEXED_FACTOR = 2.6


class Share(BasePlugin):
    """Exclude the pages this part does not build; they stay in the file list, so links to them
    resolve. ``only``: build just these source paths; ``others``: build all but these."""

    def __init__(self, only: frozenset[str] | None = None, others: frozenset[str] = frozenset()):
        super().__init__()
        self.only, self.others = only, others
        self.pages: list[str] = []  # output paths of the pages this part builds

    def builds(self, src_uri: str) -> bool:
        return src_uri not in self.others and (self.only is None or src_uri in self.only)

    def on_files(self, files, config):
        for file in files:
            if not self.builds(file.src_uri):
                file.inclusion = InclusionLevel.EXCLUDED
            elif file.is_documentation_page():
                self.pages.append(file.dest_uri)
        return files

    def on_nav(self, nav, config, files):
        # Every page shows the whole nav with each page's title, which comes from the page's
        # front matter: read it (not render it) for the nav pages another part builds.
        for page in nav.pages:
            if page.markdown is None and not self.builds(page.file.src_uri):
                page.read_source(config)
        return nav


def parts_for(config, jobs: int | None) -> int:
    """How many builds: ``jobs`` if given, else one per core once there are enough pages."""
    if not set(config.plugins) <= PAGEWISE:
        return 1
    shared = Path(config.docs_dir) / SHARED
    pages = sum(1 for _ in shared.glob("*.md")) if shared.is_dir() else 0
    if jobs is None:
        jobs = min(os.cpu_count() or 1, pages // MIN_PAGES_PER_PART + 1)
    return max(1, min(jobs, pages + 1))


def plan(docs_dir: Path, parts: int) -> list[frozenset[str]]:
    """Share the customer pages out so that each part has about the same work; part 0's share
    comes on top of every other page, whose cost is counted first. Deterministic."""
    docs_dir = Path(docs_dir)
    fixed = 0.0
    shared = []
    for path in sorted(docs_dir.rglob("*.md")):
        uri = path.relative_to(docs_dir).as_posix()
        size = path.stat().st_size
        if uri.startswith(SHARED):
            shared.append((PAGE_COST + size, uri))
        elif not any(part.startswith(".") for part in Path(uri).parts):
            fixed += PAGE_COST + size * INDEXED_FACTOR
    loads = [(fixed, 0)] + [(0.0, i) for i in range(1, parts)]
    heapq.heapify(loads)
    shares: list[list[str]] = [[] for _ in range(parts)]
    for cost, uri in sorted(shared, key=lambda item: (-item[0], item[1])):  # largest first
        load, part = heapq.heappop(loads)
        shares[part].append(uri)
        heapq.heappush(loads, (load + cost, part))
    return [frozenset(share) for share in shares]


def build(config_file: Path, overrides: dict, jobs: int | None = None) -> int:
    """Build the site like ``mkdocs build --strict`` with ``overrides``; return the parts used."""
    config = load(config_file, overrides)
    parts = parts_for(config, jobs)
    if parts == 1:
        _run(config)
    else:
        _build_in_parts(config, config_file, overrides, plan(Path(config.docs_dir), parts))
    return parts


def _build_in_parts(config, config_file: Path, overrides: dict, shares: list[frozenset[str]]) -> None:
    """Part 0 here, into site/; the others at the same time in child processes, into temporary
    folders next to site/ (on the same file system, so their pages move in without a copy)."""
    from concurrent.futures import ProcessPoolExecutor

    site = Path(config.site_dir)
    site.parent.mkdir(parents=True, exist_ok=True)
    # fork: the children start at once, with MkDocs and the theme already imported
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else None)
    with tempfile.TemporaryDirectory(prefix=f".{site.name}-parts-", dir=site.parent) as tmp, \
            ProcessPoolExecutor(max_workers=len(shares) - 1, mp_context=context) as pool:
        futures = [pool.submit(_build_part, config_file, overrides, share, str(Path(tmp) / str(i)))
                   for i, share in enumerate(shares[1:], 1)]
        try:
            config.plugins["followup/share"] = Share(others=frozenset().union(*shares[1:]))
            _run(config)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        for future in futures:  # a child's failure (a strict-mode warning too) is raised here
            pages, part_site = future.result()
            _merge(Path(part_site), site, pages)


def load(config_file: Path, overrides: dict):
    """``mkdocs.yml`` with ``overrides``, in strict mode."""
    from mkdocs.config import load_config

    return load_config(str(config_file), strict=True, **overrides)


def _run(config) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    mkdocs_build(config)


def _build_part(config_file: Path, overrides: dict, share: frozenset[str], site_dir: str):
    """One of parts 1…, in a child process: build ``share`` into ``site_dir``; return the
    output paths of its pages (relative to ``site_dir``) and ``site_dir``."""
    config = load(config_file, {**overrides, "site_dir": site_dir})
    plugin = config.plugins["followup/share"] = Share(only=share)
    _run(config)
    if len(plugin.pages) != len(share):  # a page of the share is not in docs_dir (any more)
        raise RuntimeError(f"a part of the board found {len(plugin.pages)} of its {len(share)} pages")
    return plugin.pages, site_dir


_URLS = re.compile(r"<urlset[^>]*>(.*)</urlset>", re.S)


def _merge(part_site: Path, site: Path, pages: list[str]) -> None:
    """Move a part's pages into ``site/`` (a missing one raises) and append its sitemap
    entries to site/sitemap.xml and its gzip copy, which keeps MkDocs' timestamp."""
    for dest in pages:
        target = site / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part_site / dest, target)
    theirs = _URLS.search(_read(part_site / "sitemap.xml"))
    if not theirs or not theirs.group(1).strip():
        return
    sitemap = site / "sitemap.xml"
    text = _read(sitemap).replace("</urlset>", theirs.group(1).strip("\n") + "\n</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    packed = sitemap.with_name(sitemap.name + ".gz")
    mtime = int.from_bytes(packed.read_bytes()[4:8], "little")  # the gzip header's MTIME field
    with packed.open("wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(packed), mode="wb",
                                                 mtime=mtime) as handle:
        handle.write(text.encode("utf-8"))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""
