"""Lean loads (what ``check`` and ``grade`` read: records without free text, graded in the
parsing workers) judge exactly as full loads do: the same problems, tiers and due dates,
for every preset, serially and in parallel, with and without the cache."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import ANCHOR, REPO, make_repo
from followup.checks import run_checks
from followup.cli import graded
from followup.dev import benchgen
from followup.engine import grading
from followup.engine.records import LEAN_LOG, LeanRecordError
from followup.store import workspace
from followup.store.workspace import load_workspace, locate
from test_presets_switch import PRESETS, switch_playbook


def judged(ws) -> tuple[list, dict]:
    grades = graded(ws)
    problems = locate(ws.problems + run_checks(ws, grades), ws.sources)
    return ([(p.code, p.file, p.line, p.col, p.severity, sorted(map(str, p.params.items())))
             for p in problems],
            {path: (g.tier, g.due) for path, g in grades.items()})


@pytest.fixture(scope="module", params=["samples", "generated"])
def corpus(request, tmp_path_factory) -> Path:
    """The sample customers (every tier, paused, postponed, referrals, 撞单), and 300
    generated ones (the benchmark's generator: long logs, shared phone numbers)."""
    root = tmp_path_factory.mktemp("lean") / "repo"
    if request.param == "samples":
        return make_repo(root)
    return benchgen.generate(root, 300, REPO, ANCHOR)


@pytest.mark.parametrize("preset", PRESETS)
def test_lean_load_judges_like_a_full_load_for_every_preset(preset, corpus, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(corpus, root)
    switch_playbook(root, preset)
    full = load_workspace(root, ANCHOR, cache=False)
    lean = load_workspace(root, ANCHOR, cache=False, lean=True)
    assert judged(lean) == judged(full)
    per_record = grading.per_record(full.rules.playbook)
    assert (lean.read_grades is not None) == per_record  # rank playbooks: graded afterwards
    if not per_record:
        assert preset in ("s9-pareto-rfm.yaml", "s11-ten-levels.yaml")


def test_lean_load_in_parallel_and_from_the_cache_judges_like_a_serial_full_load(
        corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "PARALLEL_THRESHOLD", 50)
    monkeypatch.setattr(workspace, "CHUNK", 40)
    expected = judged(load_workspace(corpus, ANCHOR, cache=False, workers=1))
    cache = tmp_path / "cache"
    cold = load_workspace(corpus, ANCHOR, cache=cache, workers=2, lean=True)
    assert cold.cache_stats["parsed"] == cold.cache_stats["files"] > 40
    warm = load_workspace(corpus, ANCHOR, cache=cache, workers=2, lean=True)
    assert warm.cache_stats["parsed"] == 0
    assert judged(cold) == expected
    assert judged(warm) == expected


def test_lean_and_full_records_are_cached_apart(corpus, tmp_path):
    cache = tmp_path / "cache"
    lean = load_workspace(corpus, ANCHOR, cache=cache, lean=True)
    full = load_workspace(corpus, ANCHOR, cache=cache)
    assert full.cache_stats["parsed"] == full.cache_stats["files"]  # a lean entry never serves
    assert sorted(p.name.endswith("-lean.cache") for p in cache.glob("parse-*")) == [False, True]
    notes = [e.note for c in full.customers for e in c.log]
    assert any(notes) and any(c.body for c in full.customers)
    assert all(c.lean and c.log is LEAN_LOG for c in lean.customers)  # graded where read
    assert not any(c.body for c in lean.customers)
    again = load_workspace(corpus, ANCHOR, cache=cache)
    assert [e.note for c in again.customers for e in c.log] == notes


def test_lean_records_of_rank_playbooks_keep_their_log_without_notes(corpus, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(corpus, root)
    switch_playbook(root, "s9-pareto-rfm.yaml")  # ranks the population: graded afterwards
    lean = load_workspace(root, ANCHOR, cache=False, lean=True)
    assert lean.read_grades is None and all(c.lean for c in lean.customers)
    entries = [e for c in lean.customers for e in c.log]
    assert entries and not any(e.note for e in entries)
    full = {c.path: c for c in load_workspace(root, ANCHOR, cache=False).customers}
    again = [lean.full_record(c) for c in lean.customers]  # notes and body, for a check
    assert [(c.log, c.body) for c in again] == [(full[c.path].log, full[c.path].body) for c in again]


def test_full_record_reads_a_lean_record_again_in_full(corpus):
    lean = load_workspace(corpus, ANCHOR, cache=False, lean=True)
    full = {c.path: c for c in load_workspace(corpus, ANCHOR, cache=False).customers}
    for c in lean.customers[:20]:
        again = lean.full_record(c)
        assert again.log == full[c.path].log and not again.lean
        assert lean.full_record(c) is again  # read once per command
    assert any(lean.full_record(c).log for c in lean.customers[:20])


def test_lean_load_judges_an_earlier_as_of_date_like_a_full_load(corpus):
    earlier = ANCHOR - dt.timedelta(days=20)  # later follow-ups are now in the future: FU203
    lean = load_workspace(corpus, earlier, cache=False, lean=True)
    assert judged(lean) == judged(load_workspace(corpus, earlier, cache=False))
    assert "FU203" in {p[0] for p in judged(lean)[0]}


def test_the_log_of_a_lean_record_cannot_be_read_by_mistake(corpus):
    """A check that reads the log of a lean record fails at once -- it does not judge the
    customer as never contacted -- and full_record is the way to the log."""
    lean = load_workspace(corpus, ANCHOR, cache=False, lean=True)
    customer = next(c for c in lean.customers if lean.full_record(c).log)
    for read in (lambda log: list(log), len, bool, lambda log: log[-1], reversed,
                 lambda log: [e for e in log if e.note]):
        with pytest.raises(LeanRecordError, match="full_record"):
            read(customer.log)
    assert lean.full_record(customer).log and not lean.full_record(customer).lean
    full = load_workspace(corpus, ANCHOR, cache=False)
    assert all(full.full_record(c) is c for c in full.customers)  # a full record is itself
