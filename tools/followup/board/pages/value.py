"""The value analysis (value.md): Pareto curve, ABC classes, RFM segments."""

from __future__ import annotations

import datetime as dt

from followup.board import html as h

RFM_SEGMENTS = {  # (recent, frequent, valuable) -> segment word
    (True, True, True): "rfm.champions",
    (False, True, True): "rfm.loyal",
    (True, False, True): "rfm.promising",
    (False, False, True): "rfm.at_risk",
    (True, True, False): "rfm.active_low",
    (False, True, False): "rfm.frequent",
    (True, False, False): "rfm.occasional",
    (False, False, False): "rfm.low_at_risk",
}


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    valued = sorted(
        (g for g in board.active if (g.customer.deal_value or 0) > 0),
        key=lambda g: (-(g.customer.deal_value or 0), g.customer.id),
    )
    if not valued:
        empty = h.block("<p>", h.esc(t("no_value")), "</p>")
        return {page: board.document(t(entry.title), board.as_of_line(), empty)}
    total = sum(g.customer.deal_value for g in valued)
    points, running = [], 0.0
    classes: dict[str, list] = {"A": [], "B": [], "C": []}
    for i, g in enumerate(valued, 1):
        running += g.customer.deal_value
        points.append((i / len(valued), running / total))
        share_before = (i - 1) / len(valued)
        classes["A" if share_before < 0.2 else "B" if share_before < 0.5 else "C"].append(g)
    abc_rows = [
        [
            k,
            len(v),
            f"{len(v) / len(valued) * 100:.0f}%",
            sum(g.customer.deal_value for g in v),
            f"{sum(g.customer.deal_value for g in v) / total * 100:.0f}%",
        ]
        for k, v in classes.items()
    ]
    abc = h.table(
        [t("class"), t("customers"), t("share_customers"), t("revenue"), t("share_revenue")],
        abc_rows,
        id="fu-abc",
    )
    curve = h.curve_chart(points, t("pareto"), t("share_customers"), t("share_revenue"))
    return {page: board.document(
        t(entry.title),
        board.as_of_line(),
        f"## {t('pareto')}",
        h.block(curve, abc),
        f"## {t('rfm')}",
        rfm(board, page, valued),
    )}


def rfm(board, page: str, valued) -> str:
    t = board.t
    rows, year_ago = [], board.as_of - dt.timedelta(days=365)
    data = []
    for g in board.active:
        last = g.schedule.last_contact or g.customer.registered
        recency = (board.as_of - last).days if last else 9999
        frequency = sum(
            1 for e in g.customer.log if e.date >= year_ago and board.playbook.is_contact(e.channel)
        )
        data.append((g, recency, frequency, g.customer.deal_value or 0))
    if not data:
        return ""
    avg_r = sum(d[1] for d in data) / len(data)
    avg_f = sum(d[2] for d in data) / len(data)
    avg_m = sum(d[3] for d in data) / len(data)
    counts: dict = {}
    for g, r, f, m in data:
        key = (r <= avg_r, f >= avg_f, m >= avg_m and m > 0)
        label = t(RFM_SEGMENTS[key])
        counts[label] = counts.get(label, 0) + 1
        rows.append(
            [board.customer_link(page, g), board.person_link(page, g.customer.owner), r, f, m, label]
        )
    order = [t(key) for key in RFM_SEGMENTS.values()]
    bars = [(label, counts[label]) for label in order if label in counts]
    return h.block(
        h.block("<p>", h.esc(t("rfm_note")), "</p>"),
        h.bar_chart(bars, t("rfm"), alt=True),
        h.table(
            [t("customer"), t("owner"), t("recency"), t("frequency"), t("monetary"), t("segment")],
            rows,
            id="fu-rfm",
        ),
    )

# --- rules for people --------------------------------------------------------------------
