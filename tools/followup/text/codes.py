"""docs/codes.md, the table of every problem code, generated from the catalogues.

``python -m followup.text.codes > docs/codes.md`` writes it; tests/test_catalogue.py fails when
the file in the repository differs from what the catalogues give, so the table cannot drift.
"""

from __future__ import annotations

from followup.text import CATALOGUES

HEAD = """# Problem codes

Every problem `followup` reports has a code. The message and the hint (what to do) are shown in
the team's language; this table gives both. `{name}` marks a value filled in from the record;
`{x: …@…}` a part shown only when there is a suggestion (`@` is replaced by it).

The codes are grouped by their first digit: 0 the file itself, 1 the facts, 2 the follow-up log,
3 stale computed keys, 4 duplicates, 5 the rules, 6 the board, 7 ownership and review,
8 spreadsheet import.

Generated from `tools/followup/text/zh.py` and `en.py` by `python -m followup.text.codes`; a test
checks that this page is current.

| code | 中文 | English |
|---|---|---|
"""


def _cell(message: str, hint: str) -> str:
    text = f"{message}<br>→ {hint}" if hint else message
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(zh: dict | None = None, en: dict | None = None) -> str:
    """The page for the two catalogues' problem tables (by default the loaded ones)."""
    zh = CATALOGUES["zh"].PROBLEMS if zh is None else zh
    en = CATALOGUES["en"].PROBLEMS if en is None else en
    rows = [f"| {code} | {_cell(*zh[code])} | {_cell(*en[code])} |" for code in sorted(zh)]
    return HEAD + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
