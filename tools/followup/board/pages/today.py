"""Today's call lists (today.md), one section per salesperson."""

from __future__ import annotations

from followup.board import html as h
from followup.engine import calllist


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    day = calllist.call_day(board.as_of, board.calendar)
    note = (
        ""
        if day == board.as_of
        else h.block("<p>", h.esc(t("non_workday", as_of=board.as_of, day=day)), "</p>")
    )
    sections = [
        board.call_section(page, p)
        for p in board.owners()
        if p in board.calls and (board.calls[p].calls or board.calls[p].rolled)
    ]
    return {page: board.document(t(entry.title), board.as_of_line(), note, *sections)}
