"""Shared fixtures: a real followup repository in a temporary folder.

``sample_repo`` copies ``rules/`` from this checkout and writes the sample customers
anchored at ``ANCHOR`` (so every date-dependent expectation is fixed), graded and
clean. Tests that need a different shape build their own files from these.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ANCHOR = dt.date(2026, 11, 22)


def make_repo(target: Path, with_samples: bool = True) -> Path:
    shutil.copytree(REPO / "rules", target / "rules")
    (target / "customers").mkdir()
    if with_samples:
        from followup.cli import main
        from followup.dev.samples import write_samples

        write_samples(target, ANCHOR)
        assert main(["grade", "--write", "--root", str(target), "--as-of", str(ANCHOR)]) == 0
    return target


@pytest.fixture
def sample_repo(tmp_path) -> Path:
    """A repository with the rules of this checkout and the sample customers at ANCHOR."""
    return make_repo(tmp_path / "repo")


@pytest.fixture
def empty_repo(tmp_path) -> Path:
    """The rules of this checkout and no customers."""
    return make_repo(tmp_path / "repo", with_samples=False)


@pytest.fixture(autouse=True)
def _private_cache_home(tmp_path_factory, monkeypatch):
    """The cache lives in the user's cache folder by default (store/cache.py): every test
    gets its own, so none writes to the real ~/.cache or sees another test's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("FOLLOWUP_CACHE_DIR", raising=False)
