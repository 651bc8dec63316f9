"""Switching the shipped repository to any preset is one line, and it stays clean.

For every file in ``rules/presets/``: copy the sample repository, point
``rules/followup.yaml`` at the preset, ``followup grade --write``, then ``followup check``
must exit 0. Facts of the previous playbook become unknown keys (FU107 warnings), which do
not fail the check. If the sample repository itself has errors that have nothing to do with
grading (say a deliberate 撞单 among the samples), switching must not add any: the errors
after the switch are a subset of those before it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ANCHOR, make_repo
from followup.cli import main

PRESET_DIR = Path(__file__).resolve().parent.parent / "rules" / "presets"
PRESETS = sorted(p.name for p in PRESET_DIR.glob("*.yaml"))


def switch_playbook(root: Path, preset: str) -> None:
    settings = root / "rules" / "followup.yaml"
    text = settings.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^playbook:.*$", f"playbook: presets/{preset}", text)
    assert count == 1
    settings.write_text(text, encoding="utf-8")


def check_errors(args: list[str], capsys) -> tuple[int, set]:
    capsys.readouterr()
    code = main(["check", "--format", "json", *args])
    report = json.loads(capsys.readouterr().out)
    errors = {(p["code"], p["file"]) for p in report["problems"] if p["severity"] == "error"}
    return code, errors


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The sample repository, built once (like ``sample_repo``) and copied per preset."""
    return make_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.mark.parametrize("preset", PRESETS)
def test_switch_to_preset_then_grade_write_and_check(preset, template, tmp_path, capsys):
    sample_repo = Path(shutil.copytree(template, tmp_path / "repo"))
    args = ["--root", str(sample_repo), "--as-of", str(ANCHOR)]
    before_code, before = check_errors(args, capsys)
    switch_playbook(sample_repo, preset)
    assert main(["grade", "--write", *args]) == 0, capsys.readouterr()
    code, after = check_errors(args, capsys)
    assert after <= before, sorted(after - before)
    if before_code == 0:
        assert code == 0
    # grading again changes nothing
    assert main(["grade", "--check-only", *args]) == 0
