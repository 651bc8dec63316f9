"""The fast reader and the round-trip reader must read every document the same way.

A generator builds thousands of front-matter-like documents from the scalars that
trip YAML readers up (yes/no, 12:30, 010, 1e3, dates, impossible dates, quoted
look-alikes, CJK text, nulls, nested block and flow collections, comments, CRLF)
and checks that ``yaml12.load_fast`` and ruamel.yaml's round-trip loader produce
equal data, or both refuse the document.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import pytest
from ruamel.yaml.error import YAMLError as RuamelError

from conftest import REPO
from followup.cli import main
from followup.store import yaml12

TRICKY = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "True", "TRUE", "false", "False",
    "12:30", "1:20:30", "010", "0777", "09", "0o17", "0x1F", "0b101", "1_000", "+12", "-0", "007",
    "1e3", "1.5e3", "-2E-2", ".5", "1.", "3.14", ".inf", "-.inf", ".nan", "NaN", "inf", "~", "null",
    "Null", "NULL", "", "2026-11-02", "2026-1-2", "2026-11-02 10:00:00", "2026-11-02T10:00:00Z",
    "2026-11-02 10:00:00.5 +08:00", "2026/11/02", "2026年11月2日", "20261102", "13800138000",
    "+86 138 0013 8000", "张伟", "明确需求", "客户说：年后再联系", "a b", "A", "E", "0", "-", "abc123",
    "=", "1,000", "¥12,000", "12万", "3.0.1", "0.1_0", "1__0", "0x", "_1",
]
BROKEN = ["2026-02-30", "2026-13-01", "[unclosed", "{a: 1", "key: value: x", "!!python/name:os.system",
          "!custom x", "*undefined", "&a"]
KEYS = ["name", "owner", "need", "budget", "stage", "value", "时间", "备注", "12", "yes", "on"]


def scalar(rng: random.Random, allow_broken: bool) -> str:
    pool = TRICKY + (BROKEN if allow_broken and rng.random() < 0.05 else [])
    text = rng.choice(pool)
    style = rng.random()
    if style < 0.2 and not text.startswith(("!", "*", "&", "[", "{")):
        return "'" + text.replace("'", "''") + "'"
    if style < 0.35 and not text.startswith(("!", "*", "&", "[", "{")):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if text == "" or (text[0] in "-?:,[]{}#&*!|>'\"%@`" and text not in BROKEN and text not in ("-",)):
        return '"' + text + '"'
    if text == "-" or ": " in text or text.endswith(":") or " #" in text:
        return '"' + text + '"'
    return text


def block(rng: random.Random, depth: int, indent: int, allow_broken: bool) -> list[str]:
    lines = []
    keys = rng.sample(KEYS, rng.randint(1, 5))
    pad = " " * indent
    for key in keys:
        if rng.random() < 0.1:
            lines.append(f"{pad}# 注释 comment")
        kind = rng.random()
        if depth < 2 and kind < 0.15:
            lines.append(f"{pad}{key}:")
            lines += block(rng, depth + 1, indent + 2, allow_broken)
        elif depth < 2 and kind < 0.3:
            lines.append(f"{pad}{key}:")
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    inner = block(rng, depth + 2, indent + 4, allow_broken)
                    lines.append(f"{pad}  - {inner[0].strip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{pad}  - {scalar(rng, allow_broken)}")
        elif kind < 0.4:
            items = ", ".join(scalar(rng, False) for _ in range(rng.randint(0, 3)))
            lines.append(f"{pad}{key}: [{items}]")
        elif kind < 0.45:
            lines.append(f"{pad}{key}: {{a: {scalar(rng, False)}, b: {scalar(rng, False)}}}")
        else:
            comment = "  # 行尾注释" if rng.random() < 0.1 else ""
            lines.append(f"{pad}{key}: {scalar(rng, allow_broken)}{comment}")
    return lines


def document(seed: int) -> str:
    rng = random.Random(seed)
    text = "\n".join(block(rng, 0, 0, allow_broken=True)) + "\n"
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    return text


def same(a, b) -> bool:
    """Equal values of equal types all the way down (True is not 1, 1.0 is not 1, NaN is NaN)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def read_both(text: str):
    try:
        fast = ("ok", yaml12.load_fast(text))
    except yaml12.YamlError as exc:
        fast = ("error", exc.code)
    try:
        roundtrip = ("ok", yaml12.to_plain(yaml12.roundtrip_yaml().load(text)))
    except (RuamelError, ValueError) as exc:
        roundtrip = ("error", type(exc).__name__)
    return fast, roundtrip


# Documents both readers accept but that we refuse on purpose (unsafe or ambiguous input).
REFUSED_ON_PURPOSE = {"FU008", "FU010"}


@pytest.mark.parametrize("chunk", range(8))
def test_fast_and_roundtrip_readers_agree_on_generated_documents(chunk):
    disagreements = []
    for seed in range(chunk * 400, (chunk + 1) * 400):
        text = document(seed)
        fast, roundtrip = read_both(text)
        if fast[0] == "ok" and roundtrip[0] == "ok":
            if not same(fast[1], roundtrip[1]):
                disagreements.append((seed, text, fast[1], roundtrip[1]))
        elif fast[0] == "error" and fast[1] in REFUSED_ON_PURPOSE:
            continue
        elif fast[0] != roundtrip[0]:
            disagreements.append((seed, text, fast, roundtrip))
    assert disagreements == []


def test_the_generator_exercises_both_outcomes():
    outcomes = [read_both(document(seed))[0][0] for seed in range(400)]
    assert outcomes.count("ok") > 200
    assert outcomes.count("error") > 5


@pytest.mark.parametrize(("text", "value"), [
    ("yes", "yes"), ("on", "on"), ("12:30", "12:30"), ("010", 10), ("0o10", 8), ("1e3", 1000.0),
    ("1_000", 1000), ("2026-11-02", dt.date(2026, 11, 2)), ("~", None), ("NaN", "NaN"),
    ("true", True), ("'010'", "010"), ("2026-1-2", "2026-1-2"),
])
def test_yaml_1_2_meaning(text, value):
    assert same(yaml12.load_fast(f"k: {text}\n")["k"], value)
    assert same(yaml12.to_plain(yaml12.roundtrip_yaml().load(f"k: {text}\n"))["k"], value)


@pytest.mark.parametrize(("text", "code"), [
    ("k: 2026-02-30\n", "FU012"), ("k: 1\nk: 2\n", "FU007"), ("k: !!python/object:os.system x\n", "FU010"),
    ("<<: {a: 1}\n", "FU010"), ("k: [1\n", "FU005"), ("k:\n\t- 1\n", "FU006"),
])
def test_both_paths_refuse_what_we_refuse(text, code):
    with pytest.raises(yaml12.YamlError) as fast:
        yaml12.load_fast(text)
    with pytest.raises(yaml12.YamlError) as roundtrip:
        yaml12.load_roundtrip(text)
    assert fast.value.code == roundtrip.value.code == code


def test_alias_bomb_is_refused_before_anything_walks_it():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(yaml12.YamlError) as exc:
        yaml12.load_fast("\n".join(lines))
    assert exc.value.code == "FU008"


# --- issue 13: what one reader accepted and the other refused or read differently --------

# (what replaces the customer's `source: 展会` line -- or the line named third --, the code
# `check` must give or None)
DISAGREED = {
    "trailing-tab": ("source: 展会\t", "FU006"),
    "tab-inside-a-value": ("source: 展\t会", "FU006"),
    "nel-line-break": ("source: 展会\x85city: 海城", "FU005"),
    "ls-line-break": ("source: 展\u2028会", "FU005"),
    "ps-line-break": ("source: 展\u2029会", "FU005"),
    "anchor-with-colon": ("source: &a:b 张敏", None),
    "lone-non-specific-tag": ("source: !", None),
    "tag-before-value": ("source: ! 展会", None),
    "seven-digit-fraction": ("source: 展会\nmet_at: 2026-11-02 10:00:00.1234567", None),
    "value-after-two-comment-lines": ("source:    # 来源\n        # 见备注\n  展会\n\n", "FU005"),
    "value-after-two-comment-lines-at-the-end": ("due:    # 到期\n        # 见正文\n  2026-11-23", None,
                                                 "due: 2026-11-23"),
    "nested-250-deep": ("source: " + "[" * 250 + "]" * 250, "FU005"),
    "nested-33-deep": ("source: " + "[" * 32 + "]" * 32, "FU005"),
    "nested-32-deep": ("source: 展会\ntags: " + "[" * 31 + "]" * 31, None),
    "anchor-and-alias": ("source: &src 展会\nreferred_by: *src", None),
    "block-scalar": ("source: |\n  展会\n  (第二行)", None),
    "comment-between-key-and-value-inside": ("source:    # 来源\n  展会", None),
}
SAMPLE = REPO / "customers" / "haicheng-talc.md"


def read_or_refuse(reader, text):
    try:
        return "ok", reader(text)
    except yaml12.YamlError as exc:
        return "error", exc.code


@pytest.mark.parametrize("name", sorted(DISAGREED))
def test_the_readers_agree_where_they_used_to_differ(name):
    line = DISAGREED[name][0]
    text = f"name: 张敏\nowner: li-ming\n{line}\n"
    fast, roundtrip = (read_or_refuse(yaml12.load_fast, text),
                       read_or_refuse(lambda t: yaml12.load_roundtrip(t)[0], text))
    assert fast[0] == roundtrip[0]
    if fast[0] == "ok":
        assert same(fast[1], roundtrip[1])


@pytest.mark.parametrize("name", sorted(DISAGREED))
def test_a_file_check_accepts_is_one_grade_write_and_log_can_rewrite(name, empty_repo, capsys):
    line, code, *replaced = DISAGREED[name]
    text = SAMPLE.read_text(encoding="utf-8").replace((replaced or ["source: 展会"])[0], line)
    target = empty_repo / "customers" / SAMPLE.name
    target.write_text(text.replace("tier: A", "tier: C"), encoding="utf-8")  # stale: grade writes
    before = target.read_bytes()
    main(["check", "--root", str(empty_repo), "--as-of", "2026-11-22", "--format", "json"])
    out, err = capsys.readouterr()
    errors = [p["code"] for p in json.loads(out)["problems"] if p["severity"] == "error"]
    assert errors == ([code] if code else ["FU301"])
    exit_code = main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    if code is None:
        assert exit_code == 0 and "tier: A" in target.read_text(encoding="utf-8")
    else:
        assert target.read_bytes() == before
    before = target.read_bytes()
    exit_code = main(["log", "haicheng-talc", "--root", str(empty_repo), "--as-of", "2026-11-22",
                      "--date", "2026-11-22", "--channel", "电话", "--note", "再次报价"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    if code is None:
        assert exit_code == 0 and "再次报价" in target.read_text(encoding="utf-8")
    else:
        assert exit_code == 1 and target.read_bytes() == before


def test_fractions_beyond_microseconds_round_as_the_round_trip_reader_rounds():
    for text, micro in (("2026-11-02 10:00:00.1234565", 123457), ("2026-11-02 10:00:00.1234564", 123456),
                        ("2026-11-02 10:00:00.9999995", 0)):
        assert yaml12.resolve_plain(text).microsecond == micro
        assert yaml12.load_roundtrip(f"t: {text}\n")[0]["t"].microsecond == micro


def test_nesting_is_bounded_with_a_position_in_both_readers():
    ok = "k: " + "[" * 31 + "]" * 31 + "\n"  # the top mapping and 31 sequences: 32 levels
    assert yaml12.load_fast(ok) == yaml12.load_roundtrip(ok)[0]
    for depth in (32, 250, 999, 5000):
        text = "k: " + "[" * depth + "]" * depth + "\n"
        for reader in (yaml12.load_fast, yaml12.load_roundtrip):
            with pytest.raises(yaml12.YamlError) as exc:
                reader(text)
            assert exc.value.code == "FU005" and exc.value.line == 1
    block = "k:\n" + "".join("  " * i + "- \n" for i in range(1, 40))
    with pytest.raises(yaml12.YamlError) as exc:
        yaml12.load_fast(block)
    assert (exc.value.code, exc.value.line) == ("FU005", 33)


def test_text_that_is_not_utf8_is_an_error_not_a_crash():
    text = b"name: \xff\xfe\n".decode("utf-8", errors="surrogateescape")
    for reader in (yaml12.load_fast, yaml12.load_roundtrip):
        with pytest.raises(yaml12.YamlError) as exc:
            reader(text)
        assert (exc.value.code, exc.value.line, exc.value.col) == ("FU005", 1, 7)
