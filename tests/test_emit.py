"""The one YAML emitter (followup.store.emit): whatever a command writes, both readers read
back as itself -- in block position, in a flow list, in a flow mapping and in a block item."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.store import emit, yaml12

# The texts a salesperson types, and the ones a hostile or careless one does.
AWKWARD = ["", " ", "两行\n文字", "行尾\r\n", "分隔\u2028符", "段落\u2029", "NEL\x85", "铃\x07",
           "\x00", "\t缩进", "DEL\x7f", "\ufeffBOM", "\ufffe", "# 不是注释", "a: b", "a:", "- 列表",
           "? 问", "[1, 2]", "{a: 1}", "&anchor", "*alias", "!tag", "|", ">", "%指令", "@提及",
           "`代码`", "'单引号'", '"双引号"', "反\\斜杠", "2026-02-30", "2026-11-22", "12:30",
           "0x1F", "0o17", "1_000", ".5", "1e3", ".inf", "-.inf", ".nan", "true", "False", "yes",
           "null", "~", "NULL", "13812345678", "138 1234 5678", "+86 138", "－全角减号", "：全角冒号",
           "＃全角井号", "全角空格\u3000", "尾随空格 ", "a #b", "a,b", "😀 表情", "𠀀扩展B", "---", "...",
           "li-ming@example.com", "http://example.com/a?b=c#d"]

texts = st.one_of(st.sampled_from(AWKWARD), st.text(), st.text(alphabet=st.sampled_from(
    list("-?:#,[]{}&*!|>'\"%@` \t\n\r\\.0123456789eE+_xob~\x85\u2028\u2029\ufeff张伟：，"))))
values = st.one_of(
    texts, st.integers(), st.integers(min_value=-2**70, max_value=2**70), st.booleans(),
    st.none(), st.dates(), st.floats(allow_nan=True, allow_infinity=True),
    st.text().map(emit.Quoted))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) or ((isinstance(a, str) and isinstance(b, str)) and a == b)


def _reads(text: str) -> list:
    return [yaml12.load_fast(text), yaml12.load_roundtrip(text)[0]]


def _check(value) -> None:
    plain = str(value) if isinstance(value, emit.Quoted) else value
    docs = {
        "block": (f"k: {emit.scalar(value)}\n", lambda d: d["k"]),
        "flow list": (f"k: {emit.flow([value, 1])}\n", lambda d: d["k"][0]),
        "flow mapping": (f"k: {emit.flow({'a': value, 'b': 1})}\n", lambda d: d["k"]["a"]),
        "block item": ("k:\n" + emit.item({"a": value, "b": 1}, block=True), lambda d: d["k"][0]["a"]),
        "key": (f"{emit.flow({str(value): 1})[1:-1]}\n", lambda d: next(iter(d))),
        "new file": (emit.mapping({"k": [{"a": value}], "m": {"n": value}}),
                     lambda d: d["m"]["n"]),
    }
    for where, (text, pick) in docs.items():
        for reader, data in zip(("fast", "round-trip"), _reads(text)):
            got = pick(data)
            expected = str(value) if where == "key" else plain
            if where == "key" and plain is None:
                continue
            assert _same(got, expected) and (got == expected or isinstance(got, float)), \
                (where, reader, text, got, expected)
            assert type(got) is type(expected) or where == "key" or \
                (isinstance(expected, str) and type(got) is str), (where, reader, text, got)


@settings(max_examples=600, deadline=None)
@given(values)
def test_every_value_reads_back_as_itself_through_both_readers(value):
    _check(value)


@pytest.mark.parametrize("text", AWKWARD)
def test_the_awkward_texts_read_back(text):
    _check(text)
    assert "\n" not in emit.scalar(text), "a scalar stays on one line"


def test_plain_only_when_plainly_itself():
    assert [emit.scalar(v) for v in ("张伟", "li-ming@example.com", "首次接触，留了联系方式")] == \
        ["张伟", "li-ming@example.com", "首次接触，留了联系方式"]
    assert [emit.scalar(v) for v in ("5", "2026-02-30", "a: b", "两行\n文字", "LS\u2028", "铃\x07")] == \
        ['"5"', '"2026-02-30"', '"a: b"', '"两行\\n文字"', '"LS\\L"', '"铃\\x07"']
    assert emit.scalar(emit.Quoted("13812345678")) == '"13812345678"'
    assert [emit.scalar(v) for v in (None, True, 3, 1.5, math.inf, dt.date(2026, 2, 28))] == \
        ["null", "true", "3", "1.5", ".inf", "2026-02-28"]


def test_a_lone_surrogate_is_not_writable():
    with pytest.raises(emit.NotWritable):
        emit.scalar("坏\udce4字节")


def test_a_new_file_with_block_items():
    text = emit.document({"id": "zhang-wei", "contacts": [{"name": "张伟", "phone": emit.Quoted("138")}],
                          "paused": {"until": dt.date(2026, 12, 1), "reason": "出差"}, "log": []},
                         body="正文\n", comment="由 followup new 创建", block_items=True)
    assert text == ('---\n# 由 followup new 创建\nid: zhang-wei\ncontacts:\n  - name: 张伟\n'
                    '    phone: "138"\npaused:\n  until: 2026-12-01\n  reason: 出差\nlog: []\n---\n正文\n')
