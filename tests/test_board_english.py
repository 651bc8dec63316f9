"""The English board speaks English: apart from what people wrote into the records (names,
notes, sources, channels, the team's names) and the playbook's tier ids (identifiers, written
into the records as they are), no page of
``followup board --lang en`` on the samples contains a Han character -- labels from the playbook
come from their ``en:`` forms, the rest from the catalogue. Checked with every preset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ANCHOR
from followup.cli import main
from followup.rules.load import load_rules

HAN_RUN = re.compile(r"[\u3400-\u9fff]+(?:[\u3000-\u303f\uff00-\uffef]*[\u3400-\u9fff]+)*")


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def record_text(repo: Path) -> str:
    """Everything people wrote: every string in the customer files, the team's names and the
    playbook's tier ids."""
    rules, _ = load_rules(repo)
    texts = [tier.id for cls in rules.playbook.classifications.values() for tier in cls.tiers]
    for path in sorted((repo / "customers").rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        texts += [*strings(yaml.safe_load(front)), body]
    texts += strings(yaml.safe_load((repo / "rules" / "team.yaml").read_text(encoding="utf-8")))
    return "\n".join(texts)


PRESETS = sorted(p.name for p in (Path(__file__).resolve().parents[1] / "rules" / "presets").glob("*.yaml"))


@pytest.mark.parametrize("preset", PRESETS)
def test_the_english_board_has_no_han_characters_but_the_records(sample_repo, preset):
    settings = sample_repo / "rules" / "followup.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^playbook: \S+", f"playbook: presets/{preset}", text), encoding="utf-8")
    root = ["--root", str(sample_repo), "--as-of", str(ANCHOR)]
    assert main(["grade", "--write", *root]) == 0
    assert main(["board", "--no-build", "--lang", "en", *root]) == 0
    written = record_text(sample_repo)
    pages = sorted((sample_repo / "site_src").rglob("*.md"))
    assert len(pages) > 50
    foreign = {}
    for page in pages:
        for run in HAN_RUN.findall(page.read_text(encoding="utf-8")):
            if run not in written:
                foreign.setdefault(run, page.relative_to(sample_repo).as_posix())
    assert sorted(foreign.items()) == []
