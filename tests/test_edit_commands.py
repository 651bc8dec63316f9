"""`new` → `log` → `check` without a hand edit, on a clean clone; comments and bytes survive."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from followup.cli import main
from followup.store import document, editing, emit, yaml12
from followup.store.writer import WriteRefused
from test_gitbase import RULES, write

AS_OF = "2026-11-22"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def clone(tmp_path) -> Path:
    origin = tmp_path / "origin"
    for rel, text in RULES.items():
        write(origin, rel, text)
    (origin / "customers").mkdir()
    (origin / "customers" / "README.md").write_text("客户文件夹\n", encoding="utf-8")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "rules")
    subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / "clone")], check=True)
    return tmp_path / "clone"


def run(repo: Path, *args: str) -> int:
    return main([*args, "--root", str(repo), "--as-of", AS_OF])


def test_new_log_check_round_trip_on_a_clean_clone(clone, capsys):
    assert run(clone, "new", "--name", "上海星河科技有限公司", "--id", "xinghe", "--owner", "li-ming",
               "--contact", "周总", "--role", "总经理", "--phone", "139 0000 1111", "--source", "展会") == 0
    out = capsys.readouterr().out
    assert "已登记 customers/xinghe.md:上海星河科技有限公司,负责人 李明,等级 B,下次跟进 2026-11-22" in out
    path = clone / "customers/xinghe.md"
    assert path.read_text(encoding="utf-8") == textwrap.dedent("""\
        ---
        # 由 followup new 创建;跟进请用 followup log(log 只追加)
        id: xinghe
        name: 上海星河科技有限公司
        owner: li-ming
        registered: 2026-11-22
        source: 展会
        contacts:
          - {name: 周总, role: 总经理, phone: "139 0000 1111"}
        log: []
        tier: B
        due: 2026-11-22
        ---
        """)
    assert run(clone, "check") == 0
    # a salesperson adds a comment by hand; the tool must keep it
    text = path.read_text(encoding="utf-8").replace("source: 展会", "source: 展会  # 上海车展")
    path.write_text(text + "老板姓周,喜欢喝茶。\n", encoding="utf-8")
    capsys.readouterr()
    assert run(clone, "log", "xinghe", "--channel", "电话", "--note", "需求明确, 年底前采购",
               "--set", "need=clear") == 0
    out = capsys.readouterr().out
    assert "customers/xinghe.md:已记录。等级 B → A,下次跟进 2026-11-22 → 2026-11-29" in out
    assert run(clone, "log", "xinghe", "--channel", "微信", "--note", "发了报价", "--next", "2026-11-25") == 0
    final = path.read_text(encoding="utf-8")
    assert final == textwrap.dedent("""\
        ---
        # 由 followup new 创建;跟进请用 followup log(log 只追加)
        id: xinghe
        name: 上海星河科技有限公司
        owner: li-ming
        registered: 2026-11-22
        source: 展会  # 上海车展
        contacts:
          - {name: 周总, role: 总经理, phone: "139 0000 1111"}
        log:
          - {date: 2026-11-22, channel: 电话, by: li-ming, note: "需求明确, 年底前采购", set: {need: clear}}
          - {date: 2026-11-22, channel: 微信, by: li-ming, note: 发了报价, next: 2026-11-25}
        tier: A
        due: 2026-11-25
        need: clear
        ---
        老板姓周,喜欢喝茶。
        """)
    capsys.readouterr()
    assert run(clone, "check") == 0
    assert run(clone, "grade", "--check-only") == 0
    git(clone, "add", "customers/xinghe.md")
    git(clone, "commit", "-q", "-m", "new customer")
    assert run(clone, "check", "--base", "origin/main") == 0
    assert "| 上海星河科技有限公司 (`xinghe`) | 李明 | A 2026-11-25 |" in capsys.readouterr().out


def test_new_refuses_a_duplicate_naming_the_owner(clone, capsys):
    assert run(clone, "new", "--name", "张伟", "--owner", "li-ming", "--phone", "13812345678") == 0
    capsys.readouterr()
    assert run(clone, "new", "--name", "张伟先生", "--owner", "wang-fang",
               "--phone", "+86 138 1234 5678") == 1
    err = capsys.readouterr().err
    assert ("撞单:phone +8613812345678 已登记为 customers/zhang-wei.md(张伟),负责人 李明,"
            "登记于 2026-11-22") in err
    assert "保护期到 2026-11-29" in err
    assert not (clone / "customers/zhang-wei-xian-sheng.md").exists()


def test_new_gives_a_referral_to_the_referrers_salesperson(clone, capsys):
    assert run(clone, "new", "--name", "老客户", "--id", "old", "--owner", "li-ming",
               "--phone", "13800000001") == 0
    assert run(clone, "new", "--name", "新朋友", "--id", "friend", "--owner", "wang-fang",
               "--phone", "13800000002", "--referred-by", "old") == 1
    assert "转介绍客户归介绍人 老客户 的负责人 李明" in capsys.readouterr().err
    assert run(clone, "new", "--name", "新朋友", "--id", "friend", "--owner", "li-ming",
               "--phone", "13800000002", "--referred-by", "old") == 0
    text = (clone / "customers/friend.md").read_text(encoding="utf-8")
    assert "source: 转介绍\nreferred_by: old\n" in text


def test_log_refuses_what_check_would_reject(clone, capsys):
    assert run(clone, "new", "--name", "王五", "--id", "wang-wu", "--owner", "li-ming",
               "--phone", "13800000003") == 0
    before = (clone / "customers/wang-wu.md").read_bytes()
    assert run(clone, "log", "wang-wu", "--channel", "电话", "--set", "need=maybe") == 1
    assert "`need` 的值 `maybe` 不在允许范围内" in capsys.readouterr().err
    assert run(clone, "log", "wang-wu", "--channel", "电话", "--by", "nobody") == 1
    assert (clone / "customers/wang-wu.md").read_bytes() == before


def test_log_keeps_crlf_bom_and_block_style(tmp_path):
    raw = ("\ufeff---\r\nid: x\r\nlog:\r\n  - date: 2026-11-01  # 第一次\r\n    channel: 电话\r\n"
           "tier: B\r\n---\r\n正文\r\n").encode("utf-8")
    doc, _data, problems = document.load("customers/x.md", raw)
    assert not problems
    import datetime as dt

    edit = editing.plan_edit(doc, values={"tier": "A"},
                             append={"log": [{"date": dt.date(2026, 11, 2), "channel": "微信"}]})
    assert edit.new == ("\ufeff---\r\nid: x\r\nlog:\r\n  - date: 2026-11-01  # 第一次\r\n"
                        "    channel: 电话\r\n  - date: 2026-11-02\r\n    channel: 微信\r\n"
                        "tier: A\r\n---\r\n正文\r\n").encode("utf-8")


def test_a_flow_log_is_refused_not_rewritten():
    raw = b"---\nid: x\nlog: [{date: 2026-11-01}]\n---\n"
    doc, _data, _ = document.load("customers/x.md", raw)
    import datetime as dt

    with pytest.raises(WriteRefused, match="one-line"):
        editing.plan_edit(doc, append={"log": [{"date": dt.date(2026, 11, 2)}]})


def test_values_that_need_quotes_are_quoted():
    for value in ["13812345678", "yes", "2026-11-02", "a, b", "{x}", "#1", "- x", "true", "12:30"]:
        text = emit.flow({"note": value})
        assert yaml12.load_fast("v: " + text)["v"] == {"note": value}, text


def test_archive_twice_is_harmless(clone, capsys):
    assert run(clone, "new", "--name", "赵六", "--id", "zhao-liu", "--owner", "li-ming",
               "--phone", "13800000004") == 0
    assert run(clone, "archive", "zhao-liu", "--reason", "停业") == 0
    assert run(clone, "archive", "zhao-liu") == 0
    text = (clone / "customers/zhao-liu.md").read_text(encoding="utf-8")
    assert text.count("archived:") == 1
    assert run(clone, "check") == 0


@pytest.mark.parametrize("text", ["2026-02-29", "2026-13-01", "2026-11-02", "010", "yes"])
def test_text_that_looks_like_a_date_or_number_is_written_so_it_reads_back(clone, capsys, text):
    """A note or name such as ``2026-02-29`` (no such day in 2026) is text: it is quoted, not
    an internal error (resolve_plain refuses impossible dates) and not read back as a date."""
    assert run(clone, "new", "--name", text, "--id", "c1", "--owner", "li-ming",
               "--phone", "139 0000 1111") == 0
    assert run(clone, "log", "c1", "--channel", "电话", "--note", text) == 0
    doc = document.split("c1.md", (clone / "customers/c1.md").read_bytes())
    data = yaml12.load_fast(doc.yaml_text)
    assert data["name"] == text and data["log"][-1]["note"] == text
    capsys.readouterr()
    assert run(clone, "check", "--only", "freshness") == 0


def test_reads_as_itself_says_no_to_typed_and_impossible_values():
    assert yaml12.reads_as_itself("张伟") and yaml12.reads_as_itself("yes")
    assert not any(yaml12.reads_as_itself(t) for t in ("2026-02-30", "2026-11-02", "010", "null", "1e3"))
