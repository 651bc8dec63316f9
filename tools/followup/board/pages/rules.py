"""The rules for people (rules.md): tiers and their conditions, call priorities, alert rules,
ownership, stages, calendar, team."""

from __future__ import annotations

import datetime as dt

from followup.board import html as h
from followup.engine import alerts as alerts_mod
from followup.text.explain import cadence_text


def render(board, entry) -> dict[str, str]:
    t = board.t
    book = board.playbook
    parts = [
        h.block(
            "<p>",
            h.esc(t("playbook_line", name=t.label(book.name), file=book.file)),
            "</p>",
            h.tag("p", t.label(book.description)) if book.description else "",
        )
    ]
    for cls in book.classifications.values():
        drives = f"({t('drives')})" if cls.drives_followup else ""
        heading = t("label_value", label=t("classification"), value=f"{t.label(cls.label)} {drives}".strip())
        parts.append(h.heading(2, heading))
        rows = [
            [
                tier.id,
                t.label(tier.label),
                cadence_text(tier.cadence, board.lang),
                board.sentences.rule(tier.when)
                if tier.when is not None
                else (
                    f"≥ {tier.min_points}"
                    if tier.min_points is not None
                    else (f"≤ {tier.up_to:.0%}" if tier.up_to else "")
                ),
            ]
            for tier in cls.tiers
        ]
        parts.append(
            h.table([t("tier"), t("label"), t("cadence"), t("conditions")], rows, sortable=False)
        )
    parts.append(f"## {t('priority_rules')}")
    parts.append(
        h.table(
            ["#", t("label"), t("conditions")],
            [
                [
                    i,
                    t.label(r.label),
                    board.sentences.rule(r.when),
                ]
                for i, r in enumerate(book.priority, 1)
            ],
            sortable=False,
        )
    )
    parts.append(f"## {t('stall_rules')}")
    stall_rows = []
    for tier in book.driving.tiers:
        rule = alerts_mod.stall_rule(book, tier.id)
        if rule:
            stall_rows.append([tier.id, t("days_n", n=rule[0]), rule[1]])
    parts.append(
        h.block(
            h.table([t("tier"), t("days"), "→"], stall_rows, sortable=False),
            h.tag("p", t("stall_default", days=alerts_mod.DEFAULT_STALL_DAYS)),
        )
    )
    inactivity = book.inactivity or {}
    parts.append(f"## {t('inactivity_rules')}")
    parts.append(
        h.block(
            "<ul>",
            h.tag("li", t("change_after", days=inactivity.get("change_channel_after_days", 180))),
            h.tag("li", t("archive_after", days=inactivity.get("archive_after_days", 365))),
            "</ul>",
        )
    )
    parts.append(f"## {t('ownership')}")
    parts.append(ownership_rules(board))
    parts.append(f"## {t('stages')}")
    parts.append(
        h.table(
            [t("stage"), t("label"), t("win_rate")],
            [[s.id, t.label(s.label), f"{(s.win_rate or 0) * 100:.0f}%"] for s in book.stages],
            sortable=False,
        )
    )
    parts.append(f"## {t('calendar')}")
    week = t("list_sep").join(
        board.t.weekday(dt.date(2026, 11, 16) + dt.timedelta(days=d)) for d in sorted(board.calendar.week)
    )
    holidays = t("china_holidays") if board.calendar.holidays == "china" else t("none")
    parts.append(
        h.block(
            "<ul>",
            h.tag("li", t("label_value", label=t("week"), value=week)),
            h.tag("li", t("label_value", label=t("holidays"), value=holidays)),
            h.tag("li", f"timezone: {board.calendar.timezone}"),
            "</ul>",
        )
    )
    parts.append(f"## {t('team')}")
    parts.append(
        h.table(
            [t("name"), t("id"), t("team"), t("capacity")],
            [[p.name, p.id, p.team, p.capacity] for p in board.team.people.values()],
        )
    )
    return {entry.path: board.document(t(entry.title), *parts)}


def ownership_rules(board) -> str:
    """``rules/ownership.yaml`` for people: protection, pool, referrals, recycling per tier."""
    t = board.t
    policy = board.ws.rules.policy
    days = t("days")
    rows = [
        [
            t("own_protection"),
            f"{policy.days_without_followup} {days}"
            if policy.days_without_followup is not None
            else t("none"),
        ],
        [
            t("own_first_callback"),
            f"{policy.first_callback_days} {days}"
            if policy.first_callback_days is not None
            else t("none"),
        ],
        [
            t("own_new_intent"),
            f"{policy.new_intent_days} {days}" if policy.new_intent_days is not None else t("none"),
        ],
        [t("own_on_lapse"), policy.on_lapse],
        [t("own_pool"), board.team.name_of(policy.pool)],
        [t("own_referrals"), policy.referrals],
        [t("own_name_phone"), t("yes") if policy.require_name_and_phone else t("no")],
        [t("own_group"), t("yes") if policy.group_buyers else t("no")],
        [t("own_max"), policy.max_customers if policy.max_customers is not None else t("none")],
        [t("own_cooldown"), f"{policy.reclaim_cooldown_days} {days}"],
    ]
    recycle = [
        [
            tier.id,
            policy.recycle_rule(tier.id).no_followup_days or "",
            policy.recycle_rule(tier.id).no_deal_days or "",
        ]
        for tier in board.playbook.driving.tiers
    ]
    return h.block(
        h.table([t("label"), t("fact_value")], rows, sortable=False, id="fu-ownership"),
        h.tag("p", t("own_recycle")),
        h.table([t("tier"), t("own_no_followup"), t("own_no_deal")], recycle, sortable=False),
    )

# --- one page per customer -------------------------------------------------------------
