"""The compiled simple-shape reader (``tools/followup/store/_simple.c``) reads exactly what the
Python reader (``yaml12.load_simple_python``) reads, or declines: same values, same types,
same key order. It may decline more, never read differently -- and it must not decline the
files our own tools write, or it would not be worth having."""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import shutil
import tracemalloc
from pathlib import Path

import pytest

from followup.dev import benchgen
from followup.store import document, yaml12
from test_cache_simple_reader import document as random_document
from test_cache_simple_reader import log_line
from test_yaml_agreement import same

ROOT = Path(__file__).resolve().parent.parent
compiled = yaml12._compiled
needs_compiled = pytest.mark.skipif(compiled is None, reason="built without a C compiler")


def test_the_compiled_reader_is_built_where_a_compiler_is():
    if shutil.which("cc") or shutil.which("gcc"):
        assert compiled is not None, "pip install -e . should have built followup.store._simple"


def agree(text: str) -> bool:
    """True when the compiled reader read ``text`` (and read it as Python does)."""
    fast = compiled.load(text)
    slow = yaml12.load_simple_python(text)
    if fast is None:
        return False
    assert slow is not yaml12._NOT_SIMPLE, f"only the compiled reader accepts:\n{text}"
    assert same(fast, slow), text
    return True


@needs_compiled
@pytest.mark.parametrize("seed", range(6))
def test_agrees_on_documents_around_the_edges_of_the_shape(seed):
    rng = random.Random(seed)
    texts = [random_document(rng) for _ in range(2000)]
    python_read = sum(yaml12.load_simple_python(t) is not yaml12._NOT_SIMPLE for t in texts)
    read = sum(agree(t) for t in texts)
    assert read == python_read  # it declines nothing the Python reader reads here


@needs_compiled
@pytest.mark.parametrize("seed", range(4))
def test_agrees_on_log_entries_as_people_write_them(seed):
    rng = random.Random(100 + seed)
    read = 0
    for _ in range(2000):
        text = "log:\n" + "\n".join(log_line(rng) for _ in range(rng.randint(1, 3))) + "\n"
        read += agree(text)
    assert read > 400


def repository_texts():
    """Every customer file, fixture and broken input in the repository: whole and front matter."""
    for path in sorted(ROOT.glob("customers/**/*.md")) + sorted(ROOT.glob("tests/**/*")):
        if not path.is_file() or path.suffix not in (".md", ".yaml", ".yml", ".txt"):
            continue
        raw = path.read_bytes()
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        doc = document.split(str(path), raw)
        if isinstance(doc, document.Document):
            yield doc.yaml_text


@needs_compiled
def test_agrees_on_every_file_in_the_repository():
    texts = list(repository_texts())
    assert len(texts) > 100
    assert sum(agree(t) for t in texts) > 50


@needs_compiled
def test_reads_every_generated_customer_file():
    rng = random.Random(7)
    for n in range(200):
        record = benchgen.customer_record(n, ["s001", "s002"], dt.date(2026, 11, 22), rng)
        raw = benchgen.render(record, "B", dt.date(2026, 11, 30))
        text = document.split("c.md", raw).yaml_text
        assert agree(text)
        assert agree(text.replace("\n", "\r\n"))  # Windows line ends read the same


MUTATIONS = list(" \n\r\t:-,[]{}#'\"\\?&*!|>%@`~.0123456789aAtTnNfF_张\u3000\u00a0\u2028\ufeff\x85\x00")


@needs_compiled
@pytest.mark.parametrize("seed", range(3))
def test_agrees_or_declines_on_damaged_customer_files(seed):
    """Real-shaped files with characters inserted, cut and copied about, and deep brackets:
    the compiled reader never crashes and never reads differently (an offline run of 95,000
    such documents, also under PYTHONMALLOC=debug, found nothing)."""
    rng = random.Random(seed)
    base = [document.split("c.md", benchgen.render(
        benchgen.customer_record(n, ["s001"], dt.date(2026, 11, 22), rng), "B",
        dt.date(2026, 11, 30))).yaml_text for n in range(20)]
    read = 0
    for _ in range(1500):
        text = rng.choice(base)
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(text) + 1)
            op = rng.random()
            if op < 0.45:
                text = text[:pos] + rng.choice(MUTATIONS) * rng.randint(1, 3) + text[pos:]
            elif op < 0.75:
                text = text[:pos] + text[pos + rng.randint(1, 5):]
            elif op < 0.9:
                start = rng.randrange(len(text) + 1)
                text = text[:pos] + text[start:start + rng.randint(1, 40)] + text[pos:]
            else:
                text = text[:pos] + "[" * rng.randint(1, 60) + text[pos:]
        read += agree(text)
    assert read > 100  # damage often leaves a readable document: those are compared


@needs_compiled
@pytest.mark.parametrize("text", [
    "a: 1\rb: 2\n",                 # a carriage return alone
    "a: x\x85y\n",                  # C1 control (NEL)
    "a: \ufeffx\n",                 # byte order mark inside
    'a: "x\\ny"\n',                 # escapes in double quotes
    "a: 'it''s'\n",                 # doubled single quote
    "a: 2026-02-30\n",              # an impossible date: the typing's ValueError
    "a: 1\na: 2\n",                 # duplicate key
    "true: 1\n",                    # a key that reads as a boolean
    "a: " + "[" * 40 + "]" * 40 + "\n",  # deeper than the compiled reader goes
    "a: {b: 1,}\n",                 # trailing comma
    "a: [1, 2\n",                   # unclosed
    "a:\n  - \n",                   # an empty item
    "a:\n-   b: 1\n",               # item mapping not at indent + 2
    "a:\n  b: 1\n c: 2\n",          # mapping that ends at an odd indent
    "a: 全角　空格\n",               # ideographic space in a plain scalar
    "",                             # nothing
])
def test_declines_what_it_is_not_sure_of(text):
    assert compiled.load(text) is None


@needs_compiled
def test_reads_crlf_and_comments_like_python():
    text = ("a: 1  # one\r\n# note\r\n\r\nb:\r\n  - {x: 张伟, y: \"+86 1\"}  # c\r\n"
            "  - k: v\r\n    m: [1, 2]\r\n")
    assert agree(text)
    assert compiled.load(text) == {"a": 1, "b": [{"x": "张伟", "y": "+86 1"}, {"k": "v", "m": [1, 2]}]}


@needs_compiled
def test_typing_is_yaml12_through_the_python_typer():
    data = compiled.load("a: 010\nb: yes\nc: 2026-11-02\nd: -.inf\ne: null\nf: '010'\ng: 1_000\n")
    assert same(data, {"a": 10, "b": "yes", "c": dt.date(2026, 11, 2), "d": float("-inf"),
                       "e": None, "f": "010", "g": 1000})


@needs_compiled
def test_reading_and_declining_leak_nothing():
    good = document.split("c.md", benchgen.render(
        benchgen.customer_record(1, ["s001"], dt.date(2026, 11, 22), random.Random(1)), "B",
        dt.date(2026, 11, 30))).yaml_text
    bad = [good + "x: {a: 1,}\n", good + "id: 2\n", good.replace("\n", "\r", 1), good + "d: 2026-02-30\n"]

    def run():
        for _ in range(300):
            compiled.load(good)
            for text in bad:
                compiled.load(text)

    run()  # memos and caches fill here
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    run()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 20_000, f"{grown} bytes kept after 1,500 reads"


@needs_compiled
def test_both_simple_readers_stop_at_the_same_flow_depth_inside_the_limit():
    # the deepest a simple reader's flow collection sits: top mapping, log sequence, entry
    for flows in range(yaml12.MAX_FLOW_DEPTH - 1, yaml12.MAX_FLOW_DEPTH + 4):
        text = "log:\n  - note: " + "[" * flows + "]" * flows + "\n"
        read = agree(text)
        assert read == (flows <= yaml12.MAX_FLOW_DEPTH + 1)  # depths 0 .. MAX_FLOW_DEPTH
        if read:  # what a simple reader reads is within MAX_DEPTH, as the exact reader says
            assert same(yaml12.load_libyaml(text), yaml12.load_simple_python(text))
        else:
            with pytest.raises(yaml12.YamlError):
                yaml12.load_fast(text)


@needs_compiled
def test_the_yaml_test_suite_through_both_simple_readers():
    cases = json.loads((ROOT / "tests" / "yaml_suite" / "cases.json").read_text(encoding="utf-8"))
    read = sum(agree(case["yaml"]) for case in cases)
    assert read >= 10
