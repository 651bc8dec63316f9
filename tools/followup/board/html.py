"""Safe HTML for the board: everything from a record is escaped, and the few pieces of
markup the board writes itself are wrapped in :class:`Raw` so the difference is visible.

    >>> str(cell("<b>张三</b>"))
    '&lt;b&gt;张三&lt;/b&gt;'
    >>> table(["客户"], [[link("../customers/a.html", "<script>")]])[:40]
    '<table class="fu-table fu-sortable"><th'

Pages are Markdown files, but every table, list and chart is a raw HTML block with
no blank lines, which Python-Markdown passes through untouched — so record text is
never read as Markdown either. Charts are inline SVG, drawn here; no chart library.
"""

from __future__ import annotations

import html


class Raw(str):
    """Markup the board wrote itself; inserted as is."""


def esc(value) -> str:
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    # newlines as character references: a blank line would end the raw HTML block
    text = html.escape(str(value), quote=True)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "&#10;")


def cell(value) -> Raw:
    return Raw(esc(value))


def link(href: str, text) -> Raw:
    return Raw(f'<a href="{esc(href)}">{esc(text)}</a>')


def tag(name: str, content, cls: str = "", **attrs) -> Raw:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None)
    klass = f' class="{esc(cls)}"' if cls else ""
    return Raw(f"<{name}{klass}{extra}>{esc(content)}</{name}>")


class Sorted:
    """A table cell shown as ``text`` but sorted by ``key`` (numbers, ISO dates)."""

    def __init__(self, text, key, numeric: bool = False):
        self.text, self.key, self.numeric = text, key, numeric


def _td(value) -> str:
    if isinstance(value, Sorted):
        cls = ' class="num"' if value.numeric else ""
        return f'<td{cls} data-sort="{esc(value.key)}">{esc(value.text)}</td>'
    if isinstance(value, bool):
        value = "✓" if value else ""
    if isinstance(value, (int, float)):
        return f'<td class="num" data-sort="{value}">{esc(number(value))}</td>'
    return f"<td>{esc(value)}</td>"


def number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def table(headers: list, rows: list[list], sortable: bool = True, cls: str = "", **attrs) -> str:
    klass = "fu-table" + (" fu-sortable" if sortable else "") + (f" {cls}" if cls else "")
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>" for row in rows)
    return f'<table class="{klass}"{extra}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def block(*parts) -> str:
    """Join raw HTML parts into one block with no blank line (Markdown leaves it alone)."""
    return "".join(str(p) for p in parts if p)


def heading(level: int, text, anchor: str = "") -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(text)}</h{level}>"


def stat(key: str, label, value, warn: bool = False) -> str:
    cls = "fu-stat fu-warn" if warn and value else "fu-stat"
    return (
        f'<div class="{cls}" data-stat="{esc(key)}"><span class="fu-stat-value">'
        f"{esc(number(value) if isinstance(value, (int, float)) else value)}</span>"
        f'<span class="fu-stat-label">{esc(label)}</span></div>'
    )


def stats(items: list[str]) -> str:
    return '<div class="fu-stats">' + "".join(items) + "</div>"


# --- charts: inline SVG --------------------------------------------------------------------


def bar_chart(
    items: list[tuple[str, float]], title: str, width: int = 560, unit: str = "", alt: bool = False
) -> str:
    """Horizontal bars, one per ``(label, value)``."""
    if not items:
        return ""
    row, label_w, pad = 26, 150, 60
    height = row * len(items) + 10
    top = max((v for _, v in items), default=0) or 1
    span = width - label_w - pad
    parts = [
        f'<svg class="fu-chart" role="img" aria-label="{esc(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = span * (value / top) if value else 0
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{esc(label)}</text>')
        parts.append(
            f'<rect class="{"fu-bar-alt" if alt else "fu-bar"}" x="{label_w}" y="{y + 3}" '
            f'width="{w:.1f}" height="{row - 8}" rx="2"></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{esc(number(value))}{esc(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(items: list[tuple[str, float]], title: str, width: int = 560) -> str:
    """A funnel: centred bars, widest for the largest stage count."""
    if not items:
        return ""
    row = 26
    height = row * len(items) + 10
    top = max((v for _, v in items), default=0) or 1
    centre = width * 0.62
    span = width * 0.7
    parts = [
        f'<svg class="fu-chart" role="img" aria-label="{esc(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = max(2.0, span * 0.55 * value / top) if value else 2.0
        parts.append(
            f'<rect class="fu-bar" x="{centre - w / 2:.1f}" y="{y + 3}" width="{w:.1f}" '
            f'height="{row - 8}" rx="2"></rect>'
        )
        parts.append(
            f'<text x="{centre - span * 0.3 - 8:.1f}" y="{y + 16}" text-anchor="end">{esc(label)}</text>'
        )
        parts.append(f'<text x="{centre + span * 0.3 + 8:.1f}" y="{y + 16}">{esc(number(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def curve_chart(
    points: list[tuple[float, float]], title: str, x_label: str, y_label: str, size: int = 320
) -> str:
    """A cumulative-share curve from (0,0) to (1,1), with the diagonal for reference (Pareto)."""
    m = 40
    inner = size - 2 * m
    coords = " ".join(f"{m + x * inner:.1f},{m + (1 - y) * inner:.1f}" for x, y in [(0.0, 0.0), *points])
    return (
        f'<svg class="fu-chart" role="img" aria-label="{esc(title)}" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
        f'<line class="fu-axis" x1="{m}" y1="{m + inner}" x2="{m + inner}" y2="{m + inner}"></line>'
        f'<line class="fu-axis" x1="{m}" y1="{m}" x2="{m}" y2="{m + inner}"></line>'
        f'<line class="fu-diagonal" x1="{m}" y1="{m + inner}" x2="{m + inner}" y2="{m}"></line>'
        f'<polyline class="fu-line" points="{coords}"></polyline>'
        f'<text x="{m + inner / 2}" y="{size - 8}" text-anchor="middle">{esc(x_label)}</text>'
        f'<text x="12" y="{m + inner / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {m + inner / 2})">{esc(y_label)}</text>'
        f'<text x="{m - 4}" y="{m + inner + 14}" text-anchor="end">0</text>'
        f'<text x="{m + inner}" y="{m + inner + 14}" text-anchor="middle">100%</text>'
        f'<text x="{m - 4}" y="{m + 4}" text-anchor="end">100%</text></svg>'
    )
