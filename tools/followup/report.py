"""Report problems for people (``human``), CI annotations (``github``) and machines (``json``).

    customers/zhang-wei.md:7:8: FU105 负责人 `lm` 不在 rules/team.yaml 中 — 改成团队里的销售 id


Paths are relative to the repository. Problems arrive sorted by file and line.
"""

from __future__ import annotations

import json
import sys

from .i18n import problem_text

FORMATS = ("human", "github", "json")


def _colour(text: str, code: str, enabled: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


def render(problems, fmt: str, lang: str, stream=None, summary: str = "") -> str:
    stream = stream or sys.stdout
    if fmt == "json":
        items = []
        for p in problems:
            message, hint = problem_text(p.code, p.params, lang)
            items.append({"file": p.file, "line": p.line, "col": p.col, "code": p.code,
                          "severity": p.severity.value, "message": message, "hint": hint})
        return json.dumps({"problems": items, "summary": summary}, ensure_ascii=False, indent=2)
    colour = fmt == "human" and hasattr(stream, "isatty") and stream.isatty()
    lines = []
    for p in problems:
        message, hint = problem_text(p.code, p.params, lang)
        if fmt == "github":
            level = "error" if p.is_error else "warning"
            text = f"{p.code} {message} — {hint}".replace("%", "%25").replace("\n", "%0A")
            lines.append(f"::{level} file={p.file},line={p.line},col={p.col},"
                         f"title={p.code}::{text}")
        else:
            where = f"{p.file}:{p.line}:{p.col}:"
            code = _colour(p.code, "31" if p.is_error else "33", colour)
            lines.append(f"{where} {code} {message} — {hint}")
    if summary:
        lines.append(summary)
    return "\n".join(lines)
