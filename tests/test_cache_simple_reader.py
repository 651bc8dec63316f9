"""The simple-shape reader (yaml12.load_simple) either declines or reads exactly what libyaml
plus our YAML 1.2 typing reads: same values, same types. Documents are generated around the
edges of the shape it accepts. Each test holds both the reader that runs (the compiled one,
where it is built) and the Python reader that defines it (yaml12.load_simple_python)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from followup.dev import benchgen
from followup.store import yaml12
from test_yaml_agreement import same  # equal values of equal types all the way down

NOT_SIMPLE = yaml12._NOT_SIMPLE
READERS = [yaml12.load_simple_python] + ([yaml12.load_simple] if yaml12._compiled else [])
readers = pytest.mark.parametrize("read", READERS, ids=lambda r: r.__name__)

SCALARS = [
    "张伟", "明确需求", "abc", "a b", "a  b", "138 1234 5678", "+86 138-1234-5678", "yes", "no", "on",
    "true", "False", "null", "~", "Null", "010", "0o17", "0x1F", "0b11", "1_000", "-5", "+5", "-0",
    "1e3", "1.5", ".5", "-.inf", ".nan", "NaN", "2026-11-02", "2026-02-30", "2026-1-2",
    "2026-11-02 10:00:00", "12:30", "a:b", "a: b", "a #b", "a#b", "#x", "-", "- x", "--x", "?x", "? x",
    ":x", "&a", "*a", "!x", "!!str x", "|", ">", "%x", "@x", "`x", "'q'", '"q"', "'it''s'", '"a\\nb"',
    '"a # b"', "'a, b'", "a,b", "[a]", "{a: 1}", "it's", 'say "hi"', "a\tb", "全角　空格", "x ",
    "ＡＢＣ", "１２", "¥12,000", "12万", "3.0.1", "_1", "=", "<<", "null_", "y", "n",
    "a\xa0b", "末尾　", "　开头", "a :b", "a,", ",a", "a }", "下午3:30", "C#", "a?b", "a&b", "a-b",
]
KEYS = ["id", "name", "need", "log", "stage", "x_1", "yes", "true", "null", "1", "<<", "a b", "时间",
        '"q"', "Key"]


GOOD = ["张伟", "明确需求", "abc", "a b", "yes", "010", "1e3", "2026-11-02", "true", "null", "-5", "'q'",
        '"q"', "1_000", ".nan", "it's", "12万"]
GOOD_KEYS = ["id", "name", "need", "log", "stage", "x_1", "Key"]


def scalar(rng: random.Random) -> str:
    return rng.choice(GOOD if rng.random() < 0.85 else SCALARS)


def pick_key(rng: random.Random) -> str:
    return rng.choice(GOOD_KEYS if rng.random() < 0.9 else KEYS)


def flow(rng: random.Random, depth: int = 0) -> str:
    if rng.random() < 0.5:
        nested = depth < 1 and rng.random() < 0.2
        pairs = [f"{pick_key(rng)}: {flow(rng, depth + 1) if nested else scalar(rng)}"
                 for _ in range(rng.randint(0, 4))]
        sep = rng.choice([", ", ",", " , "])
        return "{" + sep.join(pairs) + rng.choice(["}", " }", ",}"])
    items = [scalar(rng) for _ in range(rng.randint(0, 3))]
    return "[" + ", ".join(items) + "]"


def value(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return scalar(rng)
    if r < 0.9:
        return flow(rng)
    return ""


def document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 6)):
        top = pick_key(rng)
        r = rng.random()
        comment = rng.choice(["", "", "  # 备注", " #x", "#x"])
        if r < 0.5:
            lines.append(f"{top}: {value(rng)}{comment}")
        elif r < 0.8:
            lines.append(f"{top}:{comment}")
            indent = " " * rng.choice([0, 2, 2, 4])
            for _ in range(rng.randint(0, 3)):
                dash = rng.choice(["- ", "- ", "- ", "-  ", "-   ", "-"])
                if rng.random() < 0.5:
                    lines.append(f"{indent}{dash}{value(rng)}")
                else:
                    lines.append(f"{indent}{dash}{pick_key(rng)}: {value(rng)}")
                    for _ in range(rng.randint(0, 2)):
                        extra = rng.choice([2, 2, 2, 1, 3, 4])
                        lines.append(f"{indent}{' ' * extra}{pick_key(rng)}: {value(rng)}")
        else:
            lines.append(f"{top}:")
            for _ in range(rng.randint(1, 3)):
                lines.append(f"{' ' * rng.choice([2, 2, 3])}{pick_key(rng)}: {value(rng)}")
        if rng.random() < 0.1:
            lines.append(rng.choice(["", "# comment", "  # indented comment", "   "]))
    text = "\n".join(lines) + rng.choice(["\n", "", "\n\n"])
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def agrees_or_declines(read, text: str) -> bool:
    """``read(text)`` declines, or reads exactly what libyaml reads; True when it read."""
    fast = read(text)
    if fast is NOT_SIMPLE:
        return False
    try:
        exact = yaml12.load_libyaml(text)
    except yaml12.YamlError as exc:
        pytest.fail(f"simple reader accepted a document libyaml refuses ({exc}):\n{text}")
    assert same(fast, exact), text
    return True


@readers
@pytest.mark.parametrize("seed", range(8))
def test_simple_reader_agrees_or_declines(seed, read):
    rng = random.Random(seed)
    accepted = sum(agrees_or_declines(read, document(rng)) for _ in range(1500))
    assert accepted > 100  # the generator does reach the accepted shape


@readers
def test_generated_customer_files_take_the_simple_path(read):
    rng = random.Random(1)
    for n in range(50):
        record = benchgen.customer_record(n, ["s001", "s002"], dt.date(2026, 11, 22), rng)
        raw = benchgen.render(record, "B", dt.date(2026, 11, 30)).decode()
        text = raw.split("---\n")[1]
        fast = read(text)
        assert fast is not NOT_SIMPLE
        assert same(fast, yaml12.load_libyaml(text))


PLAIN = [v for v in GOOD if v[0] not in "'\""]


def log_line(rng: random.Random) -> str:
    """A log entry as people write them, mostly plain, sometimes odd: the flat reader's domain."""
    def odd(usual, unusual):
        return rng.choice(unusual if rng.random() < 0.08 else usual)

    pairs = [f"{odd(GOOD_KEYS, KEYS)}:{odd([' '], ['  ', ''])}{odd(PLAIN, SCALARS)}"
             for _ in range(rng.randint(1, 5))]
    sep = odd([", ", ","], [" , ", ",  "])
    return "  - {" + odd([""], [" "]) + sep.join(pairs) + odd(["}"], [" }", "}  ", ",}", "} # 备注"])


@readers
@pytest.mark.parametrize("seed", range(4))
def test_log_entries_read_on_the_flat_path_agree_with_libyaml(seed, read):
    rng = random.Random(seed)
    flat = 0
    for _ in range(3000):
        lines = [log_line(rng) for _ in range(rng.randint(1, 3))]
        text = "log:\n" + "\n".join(lines) + "\n"
        if not agrees_or_declines(read, text):
            continue
        flat += sum(yaml12._flat_plain_map(line[4:]) is not None for line in lines)
    assert flat > 600  # the flat reading is taken often, so it is what is being compared


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",            # duplicate key: libyaml's FU007 with its position
    "a: 2026-02-30\n",         # impossible date: FU012
    "a: &x 1\nb: *x\n",        # aliases
    "a: !!str 1\n",            # tags
    "a: |\n  text\n",          # block scalar
    "a: b\n  c\n",             # multi-line plain scalar
    "a: [1,\n  2]\n",          # multi-line flow
    "a:\tb\n",                 # tab
    "<<: {a: 1}\n",            # merge key
    "a:\n-   b: 1\n  c: 2\n",   # an item mapping not at indent + 2
])
def test_declines_what_it_does_not_read(text):
    assert yaml12.load_simple_python(text) is NOT_SIMPLE
    assert yaml12.load_simple(text) is NOT_SIMPLE


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: [1, *x]}\n"])
def test_a_document_that_contains_itself_is_refused_not_a_crash(text):
    with pytest.raises(yaml12.YamlError) as info:
        yaml12.load_fast(text)
    assert info.value.code == "FU008"
