"""Report problems for people (``human``), CI annotations (``github``), machines (``json``)
and GitLab's Code Quality widget (``gitlab``).

    customers/zhang-wei.md:7:8: FU105 负责人 `lm` 不在 rules/team.yaml 中 — 改成团队里的销售 id


Paths are relative to the repository. Problems arrive sorted by file and line.

``gitlab`` is GitLab's Code Quality report (``artifacts: reports: codequality:``): a JSON
array of Code Climate issues with the fields GitLab reads — ``description`` (code, message
and hint in the chosen language), ``check_name`` (the code), ``fingerprint``, ``severity``
and ``location`` (``path``, ``lines.begin`` and, when the column is known,
``positions.begin.line/column``; both 1-based) — plus the spec's ``type`` and
``engine_name``. Nothing else is printed (no summary line), and the text is pure ASCII
(non-ASCII characters escaped in JSON), so the file is valid UTF-8 without a BOM whatever
the runner's locale.

*Severity*: an error (fails ``followup check``) is ``major``, a warning ``minor`` — the
mapping ESLint's GitLab formatter uses; ``critical``/``blocker`` are left to security and
crash findings of other tools in the same pipeline.

*Fingerprint*: GitLab keys findings by fingerprint (one per fingerprint in the merge
request widget) and compares the merge request's report with the target branch's, so it
must be unique in a report and the same for the same problem in both. It is the first 32
hex digits of SHA-256 over ``followup``, the code, the file and *where*: the key path of
the offending value when the check knows it (``["log", 2, "date"]`` — most problems), so
the fingerprint survives lines moving above it; otherwise (YAML syntax errors, whole-file
problems) the line and column. The message, its parameters (some hold today's date or a
computed due date) and the language are left out, so the fingerprint does not change from
day to day or between ``--lang zh`` and ``--lang en``. Problems that would still share a
fingerprint (same code, file and place) get ``#2``, ``#3`` … in report order.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter

from followup.text import problem_text

FORMATS = ("human", "github", "json", "gitlab")
GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def _colour(text: str, code: str, enabled: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if enabled else text


def gitlab_fingerprint(p, occurrence: int = 1) -> str:
    """Stable across runs, days, languages and unrelated line moves (see the module docstring)."""
    if p.key_path:
        where = json.dumps(list(p.key_path), ensure_ascii=False, default=str)
    else:
        where = f"{p.line}:{p.col}"
    parts = ("followup", p.code, p.file, where) + ((f"#{occurrence}",) if occurrence > 1 else ())
    key = "\0".join(parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def gitlab_issues(problems, lang: str) -> list[dict]:
    """The GitLab Code Quality report: one Code Climate issue per problem."""
    seen: Counter = Counter()
    issues = []
    for p in problems:
        message, hint = problem_text(p.code, p.params, lang)
        base = gitlab_fingerprint(p)
        seen[base] += 1
        line = max(p.line, 1)  # GitLab links to the line; 0 (unknown) becomes the first
        location: dict = {"path": p.file, "lines": {"begin": line}}
        if p.col > 0:
            location["positions"] = {"begin": {"line": line, "column": p.col}}
        issues.append({
            "type": "issue",
            "engine_name": "followup",
            "check_name": p.code,
            "description": f"{p.code} {message} — {hint}" if hint else f"{p.code} {message}",
            "severity": GITLAB_SEVERITY[p.severity.value],
            "fingerprint": base if seen[base] == 1 else gitlab_fingerprint(p, seen[base]),
            "location": location,
        })
    return issues


def render(problems, fmt: str, lang: str, stream=None, summary: str = "") -> str:
    stream = stream or sys.stdout
    if fmt == "gitlab":  # a JSON array and nothing else: the summary is not part of it
        return json.dumps(gitlab_issues(problems, lang), ensure_ascii=True, indent=2)
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
