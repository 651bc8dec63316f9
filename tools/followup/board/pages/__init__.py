"""The board's pages: a registry, one module per page, shared helpers in :mod:`.common`.

A page is one module here with ``render(board, entry) -> {path in site_src/: Markdown}`` (a
page may render several files, e.g. the tiers index and one page per tier), one :class:`Page`
in :data:`PAGES`, and its words in text/zh.py and text/en.py. The site's nav is generated from
:data:`PAGES` (:func:`nav`; ``followup board`` and ``serve`` pass it to MkDocs, see
:func:`followup.board.overrides`), in the registry's order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from followup.board.pages.common import MARKER, SEARCH_ENTRIES, Board, relative, safe_title

__all__ = ["MARKER", "PAGES", "Board", "Page", "nav", "relative", "render_all", "render_site", "safe_title"]


@dataclass(frozen=True)
class Page:
    id: str                      # the module under board/pages/ that renders it
    path: str                    # its file in site_src/: the nav entry
    title: str                   # catalogue key of its title (text/zh.py, en.py)
    nav: bool = True             # listed in the site nav, in registry order
    per_customer: bool = False   # one file per customer: written by the workers (board/output.py)

    def render(self, board) -> dict[str, str]:
        return importlib.import_module(f"{__name__}.{self.id}").render(board, self)


PAGES: list[Page] = [
    Page("overview", "index.md", "overview"),
    Page("today", "today.md", "today"),
    Page("overdue", "overdue.md", "overdue"),
    Page("tiers", "tiers/index.md", "tiers"),
    Page("people", "people/index.md", "people"),
    Page("alerts", "alerts.md", "alerts"),
    Page("value", "value.md", "value"),
    Page("rules", "rules.md", "rules"),
    Page("customer", "customers/", "customer", nav=False, per_customer=True),
]


def nav() -> list[str]:
    """The MkDocs nav: the registered pages' files, in order (titles come from their pages)."""
    return [page.path for page in PAGES if page.nav]


def render_site(board) -> dict[str, str]:
    """Every page but the customers' own, and the customers' search entries."""
    pages: dict[str, str] = {}
    for page in PAGES:
        if not page.per_customer:
            pages.update(page.render(board))
    pages[SEARCH_ENTRIES] = board.search_entries()
    return pages


def render_all(board) -> dict[str, str]:
    """Every page: ``{path in site_src/: text}``."""
    pages = render_site(board)
    for page in PAGES:
        if page.per_customer:
            pages.update(page.render(board))
    return pages
