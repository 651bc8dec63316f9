"""The official YAML test suite (tests/yaml_suite, MIT) through both readers.

For every case: no reader crashes (a refusal is a ``YamlError``, never another exception).
For every case that is front matter for us (a mapping at the top) and that the fast reader
accepts, the round-trip reader -- the one ``grade --write`` and ``log`` prove their writes
with -- accepts it too and reads the same data; the simple-shape readers (Python and
compiled) either decline or read exactly that.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from conftest import REPO
from followup.store import document, yaml12
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


PIECES = ["\t", " ", "#", "# 注释", ":", ": ", "- ", "&a ", "*a", "!", "! ", "|", ">", "'", '"', "[", "]",
          "{", "}", ",", "\n", "\n\n", "  ", "\x85", "\u2028", "? ", "%", "@", "`", "\r", "\r\n", "...",
          "---", "2026-02-30", "2026-11-02 10:00:00.1234567", "~", "yes", "010", "\\", "\ufeff", "张"]


def mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        i = rng.randint(0, len(text))
        if rng.random() < 0.75:
            text = text[:i] + rng.choice(PIECES) + text[i:]
        else:
            text = text[:i] + text[i + rng.randint(1, 3):]
    return text


@pytest.mark.parametrize("chunk", range(4))
def test_the_readers_agree_on_mutated_suite_cases_and_customer_files(chunk):
    """Each case and sample customer with one to three random edits: the same promise."""
    sources = [case["yaml"] for case in CASES] + [
        document.split(path.name, path.read_bytes()).yaml_text
        for path in sorted((REPO / "customers").glob("*.md"))]
    rng = random.Random(chunk)
    disagreements = []
    for _ in range(1000):
        text = mutated(rng, rng.choice(sources))
        fast = read(yaml12.load_fast, text)
        roundtrip = read(lambda t: yaml12.load_roundtrip(t)[0], text)
        if fast[0] == "ok" and isinstance(fast[1], dict):
            if roundtrip[0] != "ok" or not same(fast[1], roundtrip[1]):
                disagreements.append((text, fast, roundtrip))
        elif fast[0] == "error" and roundtrip[0] == "ok":
            disagreements.append((text, fast, roundtrip))
    assert disagreements == []
