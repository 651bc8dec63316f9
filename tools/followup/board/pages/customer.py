"""One page per customer (``customers/<slug>.md``), outside the nav.

On a large board these pages are written by worker processes (board/output.py), one
:func:`detail` at a time; :func:`render` gives them all at once (``render_pages``, tests).
"""

from __future__ import annotations

from followup.board import html as h
from followup.text.explain import explain_lines


def render(board, entry) -> dict[str, str]:
    return {board.customer_page(g): detail(board, g) for g in board.customers()}


def detail(board, g) -> str:
    t, c, page = board.t, g.customer, board.customer_page(g)
    m = board.masker.text
    status = []
    if c.archived:
        status.append(f"{t('archived')} {c.archived.get('date')}")
    if c.paused_until:
        status.append(f"{t('paused')} → {c.paused_until} {m(c.pause_reason)}")
    late = board.overdue_days(g)
    summary = h.table(
        [
            t("id"),
            t("owner"),
            t("tier"),
            t("due"),
            t("days_overdue"),
            t("stage"),
            t("source"),
            t("registered"),
            t("value_n"),
        ],
        [
            [
                c.id,
                board.person_link(page, c.owner),
                h.Raw(f"{board.tier_link(page, g.tier)} {h.esc(board.tier_label(g.tier))}"),
                str(g.due or ""),
                late,
                board.stage_label(c.stage),
                m(c.source),
                str(c.registered or ""),
                c.deal_value if c.deal_value is not None else "",
            ]
        ],
        sortable=False,
        id="fu-summary",
    )
    facts = [
        [t.label(f.label), m(board.sentences.value(name, c.facts.get(name)))]
        for name, f in board.playbook.facts.items()
        if name not in ("stage", "source", "owner")
    ]
    reasons = []
    for line in explain_lines(g, board.playbook, board.lang):
        text = line.strip()
        cls = "fu-ok" if text.startswith("✓") else "fu-fail" if text.startswith("✗") else ""
        reasons.append(h.tag("li", m(text), cls))
    mine = board.alerts_by_path.get(c.path, [])
    contacts = [
        [
            m(x.get("name")),
            m(x.get("role")),
            board.masker.contact(x.get("phone"), "phone"),
            board.masker.contact(x.get("email"), "email"),
            board.masker.contact(x.get("wechat"), "wechat"),
            t("yes") if x.get("decision_maker") else "",
        ]
        for x in c.contacts
    ]
    log = [
        [
            h.Sorted(str(e.date), str(e.date)),
            m(e.channel),
            board.team.name_of(e.by) if e.by else "",
            m(e.note),
            m(e.outcome),
            str(e.next or ""),
            m(", ".join(f"{k}={v}" for k, v in e.set.items())) if e.set else "",
        ]
        for e in reversed(c.log)
    ]
    parts = [
        board.as_of_line(),
        h.block("<p>", " · ".join(h.esc(s) for s in status), "</p>") if status else "",
        summary,
        f"## {t('grade')}",
        h.block('<ul class="fu-reasons" id="fu-reasons">', *reasons, "</ul>"),
    ]
    if mine:
        parts.append(f"## {t('alerts')}")
        items = [h.tag("li", t("label_value", label=t(a.kind), value=board.alert_hint(a))) for a in mine]
        parts.append(h.block("<ul>", *items, "</ul>"))
    parts += [
        f"## {t('facts')}",
        h.table([t("label"), t("fact_value")], facts, sortable=False, id="fu-facts"),
        f"## {t('contacts')}",
        h.table(
            [t("name"), t("role"), t("phone"), t("email"), t("wechat"), t("decision_maker")],
            contacts,
            sortable=False,
            id="fu-contacts",
        ),
        f"## {t('timeline')}",
        h.table(
            [t("date"), t("channel"), t("by"), t("note"), t("outcome"), t("next"), t("updates")],
            log,
            id="fu-timeline",
        ),
    ]
    if c.body and c.body.strip():
        parts += [
            f"## {t('notes')}",
            h.block('<pre class="fu-body">', h.esc(m(c.body.strip())), "</pre>"),
        ]
    return board.document(c.name or c.id, *parts, searchable=False)
