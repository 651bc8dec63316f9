"""Hostile sizes: what `check` does with a file of 60,000 unknown keys.

Measured on the shared 2-core machine (docs/performance.md): 2.0 s for 60,000 unknown keys,
where it had taken well over 100 s (a linear walk of the mapping per located problem and a
difflib search per key). The bound below is generous for a loaded machine, far below the
quadratic figure.
"""

from __future__ import annotations

import json
import time

from conftest import REPO
from followup.cli import main

SAMPLE = (REPO / "customers" / "haicheng-talc.md").read_text(encoding="utf-8")


def check(capsys, root) -> list[dict]:
    main(["check", "--root", str(root), "--as-of", "2026-11-22", "--format", "json", "--no-cache"])
    return json.loads(capsys.readouterr()[0])["problems"]


def test_sixty_thousand_unknown_keys_are_checked_in_linear_time(empty_repo, capsys):
    extra = "".join(f"x{i}: {i}\n" for i in range(60_000))
    target = empty_repo / "customers" / "haicheng-talc.md"
    target.write_text(SAMPLE.replace("tier: A\n", extra + "tier: A\n"), encoding="utf-8")
    started = time.perf_counter()
    problems = check(capsys, empty_repo)
    elapsed = time.perf_counter() - started
    assert len(problems) == 60_000 and {p["code"] for p in problems} == {"FU107"}
    assert (problems[0]["line"], problems[-1]["line"]) == (31, 60_030)
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_the_first_unknown_keys_get_a_suggestion_the_hundred_and_first_does_not(empty_repo, capsys):
    extra = "".join(f"sourcee{i}: 1\n" for i in range(101))
    target = empty_repo / "customers" / "haicheng-talc.md"
    target.write_text(SAMPLE.replace("tier: A\n", extra + "tier: A\n"), encoding="utf-8")
    problems = check(capsys, empty_repo)
    assert [p["code"] for p in problems] == ["FU107"] * 101
    assert "source" in problems[0]["hint"] and "source" in problems[99]["hint"]
    assert "source" not in problems[100]["hint"]
