"""The follow-up board: Markdown pages generated from the records, built by MkDocs (Material).

Two steps, so any builder that reads ``mkdocs.yml`` can build the board (MkDocs,
ProperDocs, Zensical) — no generator plugin:

1. :func:`generate` writes plain Markdown into ``site_src/`` (``index.md``, ``today.md``,
   ``tiers/``, ``people/``, ``customers/`` …), a pure function of the records, the
   rules and the as-of date. Files whose text did not change are not touched, and
   generated pages that are no longer produced are removed; hand-written files
   (``site_src/assets/`` and any page without the generated marker) are left alone.
2. :func:`build` runs MkDocs in strict mode into ``site/`` — on a large board as one build per
   core, the customer pages shared out between them (:mod:`followup.board.parallel`).

Customer pages stay out of the nav (``not_in_nav``): Material renders the whole nav
into every page, so a nav with 30,000 customers would cost quadratic time.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from followup.board.output import CustomerPages, PageWriter, remove_stale
from followup.board.pages import Board, nav, render_all, render_site
from followup.text import problem_text, say

GENERATED_DIRS = ("customers", "tiers", "people")


def render_pages(ws, grades, as_of: dt.date, lang: str) -> dict[str, str]:
    return render_all(Board(ws, grades, as_of, lang))


def generate(ws, grades, as_of: dt.date, lang: str, target: Path, jobs: int | None = None) -> dict[str, int]:
    """Write the pages into ``target`` (``site_src/``); return counts of what changed. On a large
    board the customer pages are written by worker processes (``jobs``; see output.py)."""
    board = Board(ws, grades, as_of, lang)
    writer = PageWriter(target)
    with CustomerPages(board, writer, jobs):  # the workers write the customer pages meanwhile
        site = render_site(board)
        for rel, text in sorted(site.items()):
            writer.write(rel, text)
        _write_feeds(ws, grades, target / "calendars", as_of, lang)
    wanted = set(site) | {board.customer_page(g) for g in board.customers()}
    removed = remove_stale(target, wanted)
    for folder in GENERATED_DIRS:
        directory = target / folder
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return {"pages": len(wanted), "written": writer.written, "unchanged": writer.unchanged,
            "removed": removed}


def _write_feeds(ws, grades, target: Path, as_of: dt.date, lang: str = "zh") -> None:
    """The iCalendar feeds (``calendars/<id>.ics``); a failure is reported, never fatal."""
    from followup.transfer.feeds import write_feeds

    try:
        write_feeds(ws, grades, target, as_of)
    except Exception as exc:  # a feed must never take the board down with it
        message, hint = problem_text("FU603", {"detail": f"{type(exc).__name__}: {exc}"}, lang)
        print(f"followup: FU603 {message} — {hint}", file=sys.stderr)


def overrides(root: Path, ws, lang: str) -> dict:
    """What followup sets on top of ``mkdocs.yml`` for both ``board`` and ``serve``: the team's
    language and title, the nav (generated from the page registry, board/pages/__init__.py),
    and the hook that indexes customers compactly (search_hook.py)."""
    import yaml

    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    theme = dict(raw.get("theme") or {"name": "material"})
    theme["language"] = lang
    title = ws.rules.settings.site_title if ws.rules else None
    if title == say("site_title", "zh"):  # the default title follows the language
        title = say("site_title", lang)
    hooks = [*(raw.get("hooks") or []), str(Path(__file__).with_name("search_hook.py"))]
    return {"theme": theme, "site_name": title or raw.get("site_name"), "hooks": hooks, "nav": nav()}


def mkdocs_config(root: Path, ws, lang: str, **extra):
    """Load ``mkdocs.yml`` with :func:`overrides` applied (strict mode)."""
    from followup.board.parallel import load

    return load(root / "mkdocs.yml", {**overrides(root, ws, lang), **extra})


def build(root: Path, ws, lang: str, jobs: int | None = None) -> int:
    """Build ``site/`` from ``site_src/`` with MkDocs in strict mode, as several builds at once
    on several cores (``jobs``; by default one per core for a large board, see parallel.py);
    raises on failure; returns how many builds ran."""
    from followup.board import parallel

    return parallel.build(root / "mkdocs.yml", overrides(root, ws, lang), jobs)
