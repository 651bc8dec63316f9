"""Every customer past their follow-up date (overdue.md)."""

from __future__ import annotations

from followup.board import html as h


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    late = sorted(
        (g for g in board.active if g.due and g.due < board.as_of), key=lambda g: (g.due, g.customer.id)
    )
    return {page: board.document(
        t(entry.title),
        board.as_of_line(),
        h.block("<p>", h.esc(t("label_value", label=t("overdue_n"), value=len(late))), "</p>"),
        board.customer_rows(page, late),
    )}
