"""docs/spreadsheet.md, word for word: the walkthrough's commands run in a fresh clone.

The test reads the console block that follows the ``<!-- walkthrough: … -->`` marker,
runs every ``$ `` line exactly as written in a shell (bash, with ``followup`` on the
PATH as after ``source .venv/bin/activate``) in a new Git repository made of this
checkout's tracked files — what a new team has after cloning — and requires each
command to succeed and every other line of the block to appear in the output of
the command above it. Changing the commands or the output in the document changes
the test; nothing in the document is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "spreadsheet.md"
MARKER = "<!-- walkthrough:"


def walkthrough() -> list[tuple[str, list[str]]]:
    """``[(command, [expected output lines]), …]`` from the marked console block."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(MARKER)
    block = re.search(r"```console\n(.*?)```", text[start:], re.S)
    assert block, "docs/spreadsheet.md: no ```console block after the walkthrough marker"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip():
            assert steps, f"output before the first command: {line!r}"
            steps[-1][1].append(line.strip())
    return steps


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [p for p in out.stdout.decode("utf-8").split("\0") if p]


@pytest.fixture
def clone(tmp_path) -> Path:
    """A new Git repository holding this checkout's tracked files, as a clone has them."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    target = tmp_path / "our-team"
    for rel in tracked_files():
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    env = _env(tmp_path)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "clone"]):
        subprocess.run(cmd, cwd=target, env=env, check=True, capture_output=True)
    return target


def _env(tmp_path: Path) -> dict:
    """The shell of a user who ran ``source .venv/bin/activate``: ``followup`` on the PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "followup"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m followup "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "GIT_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp_path),
               GIT_AUTHOR_NAME="销售经理", GIT_AUTHOR_EMAIL="manager@example.com",
               GIT_COMMITTER_NAME="销售经理", GIT_COMMITTER_EMAIL="manager@example.com",
               PYTHONPATH=str(REPO / "tools"))
    return env


def test_the_document_has_a_walkthrough_from_sheet_to_board():
    commands = [c for c, _ in walkthrough()]
    assert any(c.startswith("followup import") and "--write" not in c for c in commands)
    assert any(c.startswith("followup import") and "--write" in c for c in commands)
    assert "followup check" in commands and "followup board" in commands
    assert len(commands) <= 8, "a handful of commands"


def test_the_walkthrough_word_for_word(clone, tmp_path):
    env = _env(tmp_path)
    for command, expected in walkthrough():
        done = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True,
                              timeout=300)
        out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
        assert done.returncode == 0, f"$ {command}\n{out}"
        for line in expected:
            assert line in out, f"$ {command}: the document shows {line!r}; the output was\n{out}"
    assert (clone / "site" / "index.html").is_file(), "the board was built"
    feeds = sorted(p.name for p in (clone / "site" / "calendars").glob("*.ics"))
    assert "li-ming.ics" in feeds
    assert len(list((clone / "customers").glob("*.md"))) == 6
    assert (clone / "客户汇总.xlsx").is_file()
    log = subprocess.run(["git", "log", "--oneline"], cwd=clone, env=env, capture_output=True,
                         check=True).stdout.decode("utf-8")
    assert "从表格导入客户" in log
    status = subprocess.run(["git", "status", "--porcelain", "customers"], cwd=clone, env=env,
                            capture_output=True, check=True).stdout.decode("utf-8")
    assert status == "", "every imported customer was committed"
