"""The tiers (tiers/index.md) and one page per tier with its customers."""

from __future__ import annotations

import datetime as dt

from followup.board import html as h
from followup.text.explain import cadence_text


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    rows = []
    for tier in board.playbook.driving.tiers:
        members = [g for g in board.active if g.tier == tier.id]
        rows.append(
            [board.tier_link(page, tier.id), t.label(tier.label), cadence_text(tier.cadence, board.lang),
             len(members)]
        )
    pages = {page: board.document(
        t(entry.title),
        board.as_of_line(),
        h.table([t("tier"), t("label"), t("cadence"), t("customers")], rows),
    )}
    for tier in board.playbook.driving.tiers:
        pages[board.tier_page(tier.id)] = tier_detail(board, tier)
    return pages


def tier_detail(board, tier) -> str:
    t, page = board.t, board.tier_page(tier.id)
    members = sorted(
        (g for g in board.active if g.tier == tier.id), key=lambda g: (g.due or dt.date.max, g.customer.id)
    )
    title = t("tier_members", tier=tier.id, label=t.label(tier.label), n=len(members))
    cadence = t("label_value", label=t("cadence"), value=cadence_text(tier.cadence, t.lang))
    return board.document(
        title,
        board.as_of_line(),
        h.block("<p>", h.esc(cadence), "</p>"),
        board.customer_rows(page, members),
    )
