"""The salespeople (people/index.md) and one page per person: their call list and customers."""

from __future__ import annotations

import datetime as dt

from followup.board import html as h


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    rows = []
    for person in board.owners():
        mine = [g for g in board.active if g.customer.owner == person]
        p = board.team.people.get(person)
        rows.append(
            [
                board.person_link(page, person),
                person,
                p.team if p else "",
                len(mine),
                sum(1 for g in mine if g.due and g.due < board.as_of),
                p.capacity if p else board.team.default_capacity,
            ]
        )
    pages = {page: board.document(
        t(entry.title),
        board.as_of_line(),
        h.table([t("name"), t("id"), t("team"), t("customers"), t("overdue_n"), t("capacity")], rows),
    )}
    for person in board.owners():
        pages[board.person_page(person)] = person_detail(board, person)
    return pages


def person_detail(board, person: str) -> str:
    t, page = board.t, board.person_page(person)
    mine = sorted(
        (g for g in board.active if g.customer.owner == person),
        key=lambda g: (g.due or dt.date.max, g.customer.id),
    )
    return board.document(
        f"{board.team.name_of(person)}",
        board.as_of_line(),
        f"## {t('today')}",
        board.call_section(page, person, level=0),
        f"## {t('all_customers')}",
        board.customer_rows(page, mine, with_owner=False),
    )

# --- alerts ----------------------------------------------------------------------------
