"""The official YAML test suite (tests/yaml_suite, MIT) through both readers.

For every case: no reader crashes (a refusal is a ``YamlError``, never another exception).
For every case that is front matter for us (a mapping at the top) and that the fast reader
accepts, the round-trip reader -- the one ``grade --write`` and ``log`` prove their writes
with -- accepts it too and reads the same data; the simple-shape readers (Python and
compiled) either decline or read exactly that.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup.store import yaml12
from test_yaml_agreement import same

SUITE = Path(__file__).parent / "yaml_suite"
CASES = json.loads((SUITE / "cases.json").read_text(encoding="utf-8"))


def read(reader, text):
    try:
        return "ok", reader(text)
    except yaml12.YamlError as exc:
        return "error", exc.code


def test_the_suite_is_all_there_with_its_licence():
    assert len(CASES) == 402
    assert sum(case["error"] for case in CASES) == 94
    assert "MIT License" in (SUITE / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_readers_agree_on_the_yaml_test_suite(case):
    text = case["yaml"]
    fast = read(yaml12.load_fast, text)
    roundtrip = read(lambda t: yaml12.load_roundtrip(t)[0], text)
    if fast[0] == "ok" and isinstance(fast[1], dict):
        assert roundtrip[0] == "ok" and same(fast[1], roundtrip[1])
        for simple in (yaml12.load_simple_python, yaml12.load_simple):
            data = simple(text)
            assert data is yaml12._NOT_SIMPLE or same(data, fast[1])
    if fast[0] == "error":
        assert roundtrip[0] == "error"  # the round-trip reader is screened by the fast one


def test_the_suite_reaches_both_paths():
    fronts = [case for case in CASES if isinstance(read(yaml12.load_fast, case["yaml"])[1], dict)]
    simple = [case for case in fronts if yaml12.load_simple(case["yaml"]) is not yaml12._NOT_SIMPLE]
    assert len(fronts) >= 80 and len(simple) >= 10
