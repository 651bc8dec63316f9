"""What the commands print and the board says, on the sample customers, kept as files.

The outputs of ``check``, ``grade --diff``, ``explain``, ``list``, ``today``, ``recycle`` and
every generated board page, in both languages, for the sample repository at ``ANCHOR``, are
stored in ``tests/golden/behaviour/``. A change to any of them fails here, so a refactoring
that should change nothing is shown to change nothing, and a change in behaviour is seen in
review as a diff of these files.

To accept a deliberate change::

    FOLLOWUP_SNAPSHOT_UPDATE=1 .venv/bin/python -m pytest tests/test_behaviour_snapshot.py
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from conftest import ANCHOR, make_repo
from followup.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden" / "behaviour"
UPDATE = bool(os.environ.get("FOLLOWUP_SNAPSHOT_UPDATE"))


def _run(root: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--root", str(root), "--as-of", str(ANCHOR)])
    text = out.getvalue() + (f"--- stderr\n{err.getvalue()}" if err.getvalue() else "")
    return f"$ followup {' '.join(args)}\n{text}--- exit {code}\n"


def _ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "customers").glob("*.md"))


def _commands(root: Path) -> dict[str, list[tuple[str, ...]]]:
    runs: dict[str, list[tuple[str, ...]]] = {}
    for lang in ("zh", "en"):
        runs[f"check.{lang}"] = [("check", "--lang", lang, "--no-cache"),
                                 ("check", "--lang", lang, "--no-cache", "--format", "json")]
        runs[f"grade.{lang}"] = [("grade", "--diff", "--lang", lang), ("list", "--lang", lang)]
        runs[f"today.{lang}"] = [("today", "--lang", lang), ("today", "--days", "3", "--lang", lang),
                                 ("recycle", "--lang", lang)]
        runs[f"explain.{lang}"] = [("explain", cid, "--lang", lang) for cid in _ids(root)]
    return runs


def _board(root: Path, lang: str) -> str:
    _run(root, "board", "--no-build", "--lang", lang, "--jobs", "1")
    site = root / "site_src"
    parts = []
    for page in sorted(p for p in site.rglob("*") if p.is_file() and "assets" not in p.parts):
        rel = page.relative_to(site).as_posix()
        parts.append(f"=== {rel}\n{page.read_text(encoding='utf-8')}")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    root = make_repo(tmp_path_factory.mktemp("snapshot") / "repo")
    found = {name: "".join(_run(root, *args) for args in runs)
             for name, runs in _commands(root).items()}
    for lang in ("zh", "en"):
        found[f"board.{lang}"] = _board(root, lang)
    return found


NAMES = [f"{kind}.{lang}" for kind in ("check", "grade", "today", "explain", "board")
         for lang in ("zh", "en")]


@pytest.mark.parametrize("name", NAMES)
def test_output_is_unchanged(outputs, name):
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(outputs[name], encoding="utf-8")
    assert path.is_file(), f"no snapshot {path}: run with FOLLOWUP_SNAPSHOT_UPDATE=1"
    expected = path.read_text(encoding="utf-8")
    assert outputs[name] == expected, f"{name} changed; see the module docstring to accept it"
