"""The overview (index.md): the tiles, customers per tier and per salesperson, the funnel, the forecast."""

from __future__ import annotations

import datetime as dt  # noqa

from followup.board import html as h
from followup.engine import calllist
from followup.text.explain import cadence_text


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    n = board.counts()
    day = calllist.call_day(board.as_of, board.calendar)
    cards = h.stats(
        [
            h.stat("customers", t("active"), n["customers"]),
            h.stat("due_today", t("due_today"), n["due_today"]),
            h.stat("overdue", t("overdue_n"), n["overdue"], warn=True),
            h.stat("new_week", t("new_week"), n["new_week"]),
            h.stat("calls", f"{t('calls_day')} {day}", n["calls"]),
            h.stat("forecast", t("forecast"), n["forecast"]),
        ]
    )
    tier_rows, tier_bars = [], []
    for tier in board.playbook.driving.tiers:
        members = [g for g in board.active if g.tier == tier.id]
        late = sum(1 for g in members if g.due and g.due < board.as_of)
        tier_rows.append(
            [
                board.tier_link(page, tier.id),
                t.label(tier.label),
                cadence_text(tier.cadence, board.lang),
                len(members),
                late,
            ]
        )
        tier_bars.append((tier.id, len(members)))
    tier_table = h.table(
        [t("tier"), t("label"), t("cadence"), t("customers"), t("overdue_n")], tier_rows, id="fu-tiers"
    )
    owner_rows = []
    for person in board.owners():
        mine = [g for g in board.active if g.customer.owner == person]
        day_list = board.calls.get(person)
        if not mine and person not in board.team.people:
            continue
        owner_rows.append(
            [
                board.person_link(page, person),
                board.team.people[person].team if person in board.team.people else "",
                len(mine),
                sum(1 for g in mine if g.due == board.as_of),
                sum(1 for g in mine if g.due and g.due < board.as_of),
                len(day_list.calls) if day_list else 0,
                day_list.capacity if day_list else 0,
            ]
        )
    owner_table = h.table(
        [
            t("owner"),
            t("team"),
            t("customers"),
            t("due_today"),
            t("overdue_n"),
            t("calls"),
            t("capacity"),
        ],
        owner_rows,
        id="fu-owners",
    )
    funnel_rows, funnel_bars = [], []
    for stage in board.playbook.stages:
        members = [g for g in board.active if g.customer.stage == stage.id]
        value = sum(g.customer.deal_value or 0 for g in members)
        weighted = sum((g.customer.deal_value or 0) * board.win_rate(g) for g in members)
        funnel_rows.append(
            [
                h.Sorted(board.stage_label(stage.id), f"{stage_order(board, stage.id):03d}"),
                len(members),
                value,
                f"{(stage.win_rate or 0) * 100:.0f}%",
                round(weighted, 2),
            ]
        )
        funnel_bars.append((board.stage_label(stage.id), len(members)))
    funnel_table = h.table(
        [t("stage"), t("customers"), t("value_n"), t("win_rate"), t("weighted")],
        funnel_rows,
        id="fu-funnel",
    )
    return {page: board.document(
        t(entry.title),
        board.as_of_line(),
        cards,
        f"## {t('per_tier')}",
        h.block(h.bar_chart(tier_bars, t("per_tier")), tier_table),
        f"## {t('per_owner')}",
        owner_table,
        f"## {t('funnel')}",
        h.block(h.funnel_chart(funnel_bars, t("funnel")), funnel_table) if funnel_bars else "",
        f"## {t('forecast')}",
        h.block("<p>", h.esc(f"Σ {t('value_n')} × {t('win_rate')} = {h.number(n['forecast'])}"), "</p>"),
    )}


def stage_order(board, stage_id) -> int:
    ids = [s.id for s in board.playbook.stages]
    return ids.index(stage_id) if stage_id in ids else len(ids)
