"""``grade --write`` changes exactly the computed lines, byte for byte, and proves it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from followup.cli import main
from followup.store import atomic, document
from followup.store.writer import WriteRefused, plan_computed

MESSY = (
    "---\r\n"
    "# 客户资料 — 请勿删除注释\r\n"
    "id: messy-record\r\n"
    "name: '王 五'   # 单引号\r\n"
    'owner: "li-ming"\r\n'
    "registered: 2026-11-02\r\n"
    "source: 转介绍\r\n"
    "contacts:\r\n"
    "  - {name: 王五, phone: '138 0000 1111'}   # 流式映射\r\n"
    "stage: \"3\"\r\n"
    "need: clear\r\n"
    "expected_close: 2026-12-30\r\n"
    "log:\r\n"
    "  - date: 2026-11-05\r\n"
    "    channel: 电话\r\n"
    "    by: li-ming\r\n"
    "    note: >-\r\n"
    "      客户说年底前定，\r\n"
    "      需要再发一次报价\r\n"
    "tier: \"C\"    # computed — 由工具计算\r\n"
    "due: 2026-01-01\r\n"
    "---\r\n"
    "正文里有 tier: X 和 --- 也不能改。\r\n"
)


def write_record(repo: Path, name: str, text: str, bom: bool = False) -> Path:
    path = repo / "customers" / f"{name}.md"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]


@pytest.mark.parametrize("bom", [False, True])
def test_grade_write_changes_exactly_the_computed_lines(empty_repo, bom, capsys):
    path = write_record(empty_repo, "messy-record", MESSY, bom=bom)
    before = path.read_bytes()
    assert main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"]) == 0
    after = path.read_bytes()
    # B: clear need, close 55 days after the last contact; due = 2026-11-05 + 7 days
    assert changed_lines(before, after) == [
        ('tier: "C"    # computed — 由工具计算\r'.encode(),
         'tier: "B"    # computed — 由工具计算\r'.encode()),
        (b"due: 2026-01-01\r", b"due: 2026-11-12\r"),
    ]
    assert after.startswith(b"\xef\xbb\xbf") == bom
    assert main(["check", "--root", str(empty_repo), "--as-of", "2026-11-22"]) == 0
    # a second run changes nothing
    assert main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"]) == 0
    assert path.read_bytes() == after


def test_missing_computed_keys_are_added_before_the_closing_line_with_the_files_newline(empty_repo):
    text = MESSY.replace('tier: "C"    # computed — 由工具计算\r\ndue: 2026-01-01\r\n', "")
    path = write_record(empty_repo, "messy-record", text)
    assert main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"]) == 0
    after = path.read_bytes().decode("utf-8")
    assert after == text.replace("---\r\n正文", "tier: B\r\ndue: 2026-11-12\r\n---\r\n正文")


def test_an_empty_computed_value_is_filled_in_place(empty_repo):
    text = MESSY.replace('tier: "C"    # computed — 由工具计算', "tier:")
    path = write_record(empty_repo, "messy-record", text)
    assert main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"]) == 0
    assert path.read_text(encoding="utf-8").replace("\r\n", "\n").count("\ntier: B\n") == 1


def test_a_computed_key_holding_a_list_is_an_error_and_the_file_is_skipped(empty_repo, capsys):
    text = MESSY.replace('tier: "C"    # computed — 由工具计算', "tier:\r\n  - C")
    path = write_record(empty_repo, "messy-record", text)
    before = path.read_bytes()
    code = main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22", "--lang", "en"])
    assert code == 1
    assert "0 files re-graded, 0 left unchanged, 1 skipped (errors), 0 refused." in capsys.readouterr().out
    assert path.read_bytes() == before


def test_a_computed_value_written_as_a_multi_line_block_is_refused(empty_repo, capsys):
    text = MESSY.replace('tier: "C"    # computed — 由工具计算', "tier: >-\r\n  C")
    path = write_record(empty_repo, "messy-record", text)
    before = path.read_bytes()
    code = main(["grade", "--write", "--root", str(empty_repo), "--as-of", "2026-11-22"])
    assert code == 1
    assert "refused: `tier` spans several lines" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_write_refuses_when_the_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "customers" / "x.md"
    path.parent.mkdir()
    path.write_bytes(b"---\nid: x\n---\n")
    with pytest.raises(WriteRefused):
        atomic.replace(tmp_path, path, b"---\nid: y\n---\n", b"---\nid: z\n---\n")
    assert path.read_bytes() == b"---\nid: x\n---\n"


def test_plan_is_a_no_op_when_values_are_current():
    raw = MESSY.replace('"C"', '"B"').replace("2026-01-01", "2026-11-12").encode()
    doc = document.split("customers/messy-record.md", raw)
    edit = plan_computed(doc, {"tier": "B", "due": dt.date(2026, 11, 12)})
    assert not edit.changed


def test_tier_ids_that_yaml_would_retype_are_quoted():
    raw = b"---\nid: x\nname: n\n---\n"
    doc = document.split("customers/x.md", raw)
    edit = plan_computed(doc, {"tier": "1", "due": dt.date(2026, 11, 12)})
    assert edit.new == b'---\nid: x\nname: n\ntier: "1"\ndue: 2026-11-12\n---\n'
