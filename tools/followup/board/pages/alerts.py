"""The alerts (alerts.md): stalled tiers, lapsed protection, conflicts, inactivity, recycling."""

from __future__ import annotations

from followup.board import html as h


def render(board, entry) -> dict[str, str]:
    t, page = board.t, entry.path
    inactive = board.alerts["inactive"]
    groups = [
        ("stalled", board.alerts["stalled"]),
        ("protection", board.alerts["protection"]),
        ("conflict", board.alerts["conflict"]),
        ("inactive", [a for a in inactive if a.kind == "inactive"]),
        ("archive", [a for a in inactive if a.kind == "archive"]),
        ("recycle", board.alerts.get("recycle", [])),
    ]
    summary = h.stats([h.stat(kind, t(kind), len(items), warn=True) for kind, items in groups])
    parts = [board.as_of_line(), summary]
    for kind, items in groups:
        parts.append(f"## {t(kind)}")
        parts.append(board.alert_table(page, items, f"fu-alerts-{kind}"))
    return {page: board.document(t(entry.title), *parts)}

# --- value analysis ----------------------------------------------------------------------
