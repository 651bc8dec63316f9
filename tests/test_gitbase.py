"""`followup check --base REF` on real Git repositories with real commits.

Each test builds a small repository (its own rules, so the expectations do not move
when the shipped presets change), commits a base, makes the change a salesperson
would make, and runs the real CLI against the base commit.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from followup.cli import main

AS_OF = "2026-11-22"

RULES = {
    "rules/followup.yaml": "playbook: presets/simple.yaml\n",
    "rules/presets/simple.yaml": """\
        name: simple
        facts:
          need: {label: 需求, type: choice, choices: {clear: 明确需求, none: 无需求}}
        classifications:
          grade:
            label: 等级
            method: first-match
            drives_followup: true
            tiers:
              - {id: A, label: 明确需求, cadence: {days: 7}, when: {fact: need, is: clear}}
              - {id: B, label: 其余, cadence: {days: 30}, when: always}
        """,
    "rules/team.yaml": """\
        salespeople:
          - {id: zhao-lei, name: 赵磊, role: manager, github: zhaolei}
          - {id: li-ming, name: 李明, github: liming}
          - {id: wang-fang, name: 王芳}
          - {id: pool, name: 公海, role: pool, capacity: 0}
        """,
    "rules/calendar.yaml": ("week: [mon, tue, wed, thu, fri, sat, sun]\nholidays: none\n"
                            "roll_to_workday: false\n"),
    "rules/ownership.yaml": "protection: {days_without_followup: 7}\nreclaim_cooldown_days: 30\n",
}

ZHANG = """\
    ---
    id: zhang-wei
    name: 张伟
    owner: li-ming
    registered: 2026-11-10
    contacts:
      - {name: 张伟, phone: "138 1234 5678"}
    need: clear  # 明确需求
    log:
      - {date: 2026-11-10, channel: 到访, by: li-ming, note: 首次到访}
      - {date: 2026-11-18, channel: 电话, by: li-ming, note: 确认预算}
    tier: A
    due: 2026-11-25
    ---
    客户比较看重售后。
    """

QIAN = """\
    ---
    id: qian-hua
    name: 钱华
    owner: wang-fang
    registered: 2026-11-01
    contacts:
      - {name: 钱华, phone: "139 0000 0001"}
    log:
      - {date: 2026-11-01, channel: 到访, by: wang-fang, note: 首次到访}
    tier: B
    due: 2026-12-01
    ---
    """


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo,
                          capture_output=True, text=True, check=True)
    return done.stdout


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "team"
    for rel, text in RULES.items():
        write(root, rel, text)
    write(root, "customers/zhang-wei.md", ZHANG)
    write(root, "customers/qian-hua.md", QIAN)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")  # what the pull request targets
    return root


def check(repo: Path, capsys, *extra: str) -> tuple[int, str, str]:
    summary = repo.parent / "summary.md"
    code = main(["check", "--root", str(repo), "--as-of", AS_OF, "--base", "base", "--summary",
                 str(summary), *extra])
    out = capsys.readouterr().out
    return code, out, summary.read_text(encoding="utf-8") if summary.exists() else ""


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_base_itself_is_clean(repo, capsys):
    code, out, _ = check(repo, capsys)
    assert code == 0, out


def test_appending_a_log_entry_with_followup_log_passes(repo, capsys):
    assert main(["log", "zhang-wei", "--root", str(repo), "--as-of", AS_OF, "--channel", "微信",
                 "--note", "发了报价"]) == 0
    git(repo, "commit", "-qam", "log")
    code, out, _ = check(repo, capsys)
    assert code == 0, out


def test_editing_a_past_log_entry_is_an_error(repo, capsys):
    edit(repo, "customers/zhang-wei.md", "note: 确认预算", "note: 预算已确认(改写)")
    git(repo, "commit", "-qam", "rewrite history")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "customers/zhang-wei.md:11:5: FU724 log 第 2 条(基线上已有)被修改" in out


def test_deleting_a_log_entry_is_an_error(repo, capsys):
    edit(repo, "customers/zhang-wei.md",
         "  - {date: 2026-11-18, channel: 电话, by: li-ming, note: 确认预算}\n", "")
    edit(repo, "customers/zhang-wei.md", "due: 2026-11-25", "due: 2026-11-17")
    code, out, _ = check(repo, capsys)  # uncommitted work is judged too
    assert code == 1
    assert "FU723 log 第 2 条(基线上已有)被删除" in out


def test_deleting_a_customer_file_is_an_error_archiving_is_fine(repo, capsys):
    git(repo, "rm", "-q", "customers/qian-hua.md")
    git(repo, "commit", "-qm", "delete")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "customers/qian-hua.md:1:1: FU721 客户文件被删除" in out
    assert "followup archive qian-hua" in out
    git(repo, "checkout", "-q", "base", "--", "customers/qian-hua.md")
    assert main(["archive", "qian-hua", "--root", str(repo), "--as-of", AS_OF, "--reason", "停业"]) == 0
    assert "archived: {date: 2026-11-22, reason: 停业}\n---\n" in (repo / "customers/qian-hua.md").read_text()
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert "| 钱华 (`qian-hua`) | 停业 |" in summary


def test_a_rename_keeps_the_id(repo, capsys):
    (repo / "customers/li-ming").mkdir()
    git(repo, "mv", "customers/zhang-wei.md", "customers/li-ming/zhang-wei.md")
    git(repo, "commit", "-qm", "move to the owner's folder")
    code, out, _ = check(repo, capsys)
    assert code == 0, out
    git(repo, "mv", "customers/li-ming/zhang-wei.md", "customers/li-ming/zhang-wei-2.md")
    edit(repo, "customers/li-ming/zhang-wei-2.md", "id: zhang-wei", "id: zhang-wei-2")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "FU722 重命名改变了客户 id:zhang-wei → zhang-wei-2" in out


def test_owner_change_inside_protection_is_refused(repo, capsys):
    # 李明 called 张伟 on 11-18: protected through 11-25
    edit(repo, "customers/zhang-wei.md", "owner: li-ming", "owner: wang-fang")
    code, out, summary = check(repo, capsys)
    assert code == 1
    assert ("FU725 负责人从 李明 改为 王芳 不符合归属规则:保护期到 2026-11-25 / protected until 2026-11-25"
            in out)
    assert "| 张伟 (`zhang-wei`) | 李明 → 王芳 | ❌ 不符合规则:保护期到 2026-11-25" in summary


def test_owner_change_after_protection_lapsed_is_allowed(repo, capsys):
    # 王芳 has not called 钱华 since 11-01: protection ended 11-08
    edit(repo, "customers/qian-hua.md", "owner: wang-fang", "owner: li-ming")
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert "| 钱华 (`qian-hua`) | 王芳 → 李明 | 保护期已过 |" in summary


def test_manager_override_recorded_in_the_file_is_allowed(repo, capsys):
    # a salesperson may not do it; the manager records the override through reassign
    assert main(["reassign", "zhang-wei", "--to", "wang-fang", "--root", str(repo), "--as-of", AS_OF]) == 1
    assert main(["reassign", "zhang-wei", "--to", "wang-fang", "--by", "zhao-lei", "--reason", "客户指定",
                 "--root", str(repo), "--as-of", AS_OF]) == 0
    text = (repo / "customers/zhang-wei.md").read_text(encoding="utf-8")
    assert "owner: wang-fang\n" in text
    assert "  - {date: 2026-11-22, from: li-ming, to: wang-fang, by: zhao-lei, reason: 客户指定}\n" in text
    assert "need: clear  # 明确需求\n" in text  # comments survive
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert "| 张伟 (`zhang-wei`) | 李明 → 王芳 | 经理裁定 |" in summary


def test_an_override_written_by_a_salesperson_does_not_count(repo, capsys):
    edit(repo, "customers/zhang-wei.md", "owner: li-ming", "owner: wang-fang")
    edit(repo, "customers/zhang-wei.md", "tier: A",
         "owner_history:\n  - {date: 2026-11-22, from: li-ming, to: wang-fang, by: wang-fang}\ntier: A")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "FU725" in out


def test_owner_history_is_append_only(repo, capsys):
    assert main(["reassign", "qian-hua", "--to", "li-ming", "--root", str(repo), "--as-of", AS_OF]) == 0
    git(repo, "commit", "-qam", "take over")
    git(repo, "tag", "-f", "base")
    edit(repo, "customers/qian-hua.md", "by: li-ming", "by: zhao-lei")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "FU724 owner_history 第 1 条(基线上已有)被修改" in out


def test_reclaim_cooldown(repo, capsys):
    assert main(["reassign", "qian-hua", "--to", "li-ming", "--root", str(repo), "--as-of", AS_OF]) == 0
    git(repo, "commit", "-qam", "take over")
    git(repo, "tag", "-f", "base")
    # 李明 never calls; 王芳 wants it back a week later — still in the 30-day cooldown
    assert main(["reassign", "qian-hua", "--to", "wang-fang", "--root", str(repo),
                 "--as-of", "2026-12-01"]) == 1
    edit(repo, "customers/qian-hua.md", "owner: li-ming", "owner: wang-fang")
    code, out, _ = check(repo, capsys, "--as-of", "2026-12-01")
    assert code == 1
    assert "回收冷却期到 2026-12-22" in out


def test_a_colliding_registration_names_the_owner(repo, capsys):
    assert main(["new", "--name", "张伟(新)", "--id", "zhang-wei-new", "--owner", "wang-fang",
                 "--phone", "+86 138-1234-5678", "--root", str(repo), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "撞单:phone +8613812345678 已登记为 customers/zhang-wei.md(张伟),负责人 李明" in err
    write(repo, "customers/zhang-wei-new.md", """\
        ---
        id: zhang-wei-new
        name: 张伟(新)
        owner: wang-fang
        registered: 2026-11-21
        contacts:
          - {name: 张伟, phone: "+86 138-1234-5678"}
        tier: B
        due: 2026-11-21
        ---
        """)
    code, out, summary = check(repo, capsys)
    assert code == 1
    assert ("customers/zhang-wei-new.md:7:23: FU726 新登记与已有客户 customers/zhang-wei.md(张伟,负责人 李明)"
            "撞单(phone +8613812345678)") in out
    assert ("- `customers/zhang-wei-new.md`: 新登记与已有客户 customers/zhang-wei.md(张伟,负责人 李明)"
            in summary)


def test_a_registration_after_protection_lapsed_goes_to_the_new_registrant(repo, capsys):
    # 钱华 registered by 王芳 on 11-01, never called back: lapsed on 11-09 (7 天内不回访 → 新客户)
    write(repo, "customers/qian-hua-2.md", """\
        ---
        id: qian-hua-2
        name: 钱华
        owner: li-ming
        registered: 2026-11-20
        contacts:
          - {name: 钱华, phone: "13900000001"}
        tier: B
        due: 2026-11-20
        ---
        """)
    code, out, _ = check(repo, capsys)
    assert code == 0, out
    assert "FU727 新登记与已有客户 customers/qian-hua.md(钱华,负责人 王芳)是同一客户" in out
    assert "按规则归新登记人(原负责人保护期已过)" in out


def test_the_change_summary_exact_content(repo, capsys):
    assert main(["log", "qian-hua", "--root", str(repo), "--as-of", AS_OF, "--channel", "电话",
                 "--note", "有明确需求", "--set", "need=clear"]) == 0
    assert main(["new", "--name", "孙丽", "--id", "sun-li", "--owner", "li-ming", "--phone", "13700000002",
                 "--root", str(repo), "--as-of", AS_OF]) == 0
    git(repo, "add", "customers/sun-li.md")
    git(repo, "commit", "-qam", "day's work")
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert summary == textwrap.dedent("""\
        ## followup 变更摘要(对比 `base`)

        新客户 1 · 等级变化 1 · 跟进日期变化 1 · 负责人变更 0 · 归档 0 · 撞单 0

        没有错误。

        ### 新客户

        | 客户 | 负责人 | 等级 / 下次跟进 |
        | --- | --- | --- |
        | 孙丽 (`sun-li`) | 李明 | B 2026-11-22 |

        ### 等级变化

        | 客户 | 负责人 | 等级 |
        | --- | --- | --- |
        | 钱华 (`qian-hua`) | 王芳 | B → A |

        ### 下次跟进日期变化

        | 客户 | 负责人 | 下次跟进 |
        | --- | --- | --- |
        | 钱华 (`qian-hua`) | 王芳 | 2026-12-01 → 2026-11-29 |
        """)
    assert summary.rstrip("\n") in out  # printed for people too


def test_a_rules_change_lists_every_customer_it_moves(repo, capsys):
    edit(repo, "rules/presets/simple.yaml", "cadence: {days: 7}", "cadence: {days: 3}")
    assert main(["grade", "--write", "--root", str(repo), "--as-of", AS_OF]) == 0
    capsys.readouterr()
    git(repo, "commit", "-qam", "A every 3 days")
    code, out, summary = check(repo, capsys, "--lang", "en")
    assert code == 0, out
    assert summary.endswith(textwrap.dedent("""\
        ### Rule change impact

        Changed `rules/presets/simple.yaml`: the new rules move the tier or due date of 1 customers.

        ### Customers the new rules move

        | customer | owner | old rules | new rules |
        | --- | --- | --- | --- |
        | 张伟 (`zhang-wei`) | 李明 | A 2026-11-25 | A 2026-11-21 |
        """))


def test_an_unknown_base_is_a_tool_error(repo, capsys):
    assert main(["check", "--root", str(repo), "--base", "no-such-ref"]) == 2


def test_a_repository_inside_a_sub_folder(tmp_path, capsys):
    outer = tmp_path / "outer"
    root = outer / "crm"
    for rel, text in RULES.items():
        write(root, rel, text)
    write(root, "customers/zhang-wei.md", ZHANG)
    write(root, "customers/qian-hua.md", QIAN)
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", ".")
    git(outer, "commit", "-q", "-m", "base")
    git(outer, "tag", "base")
    git(outer, "rm", "-q", "crm/customers/zhang-wei.md")
    code, out, _ = check(root, capsys)
    assert code == 1
    assert "customers/zhang-wei.md:1:1: FU721" in out


def test_recycling_by_the_tier_rule_passes_review(repo, capsys):
    # protection runs 30 days, but an A customer goes back to the pool after 3 days without a call
    write(repo, "rules/ownership.yaml", "protection: {days_without_followup: 30}\n"
                                        "recycle: {tiers: {A: {no_followup_days: 3}}}\n")
    git(repo, "commit", "-qam", "policy")
    git(repo, "tag", "-f", "base")
    assert main(["recycle", "--write", "--root", str(repo), "--as-of", AS_OF]) == 0
    assert "customers/zhang-wei.md:张伟(李明)→ 公海:超期未跟进(截至 2026-11-21)" in capsys.readouterr().out
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert "| 张伟 (`zhang-wei`) | 李明 → 公海 | 回收到公海 |" in summary
    # a salesperson moving it to themselves the same way is still refused
    edit(repo, "customers/zhang-wei.md", "owner: pool", "owner: wang-fang")
    code, out, _ = check(repo, capsys)
    assert code == 1 and "FU725" in out


def test_the_owner_may_release_a_customer_to_the_pool(repo, capsys):
    assert main(["reassign", "zhang-wei", "--to", "pool", "--reason", "客户不想被打扰",
                 "--root", str(repo), "--as-of", AS_OF]) == 0
    text = (repo / "customers/zhang-wei.md").read_text(encoding="utf-8")
    assert "  - {date: 2026-11-22, from: li-ming, to: pool, by: li-ming, reason: 客户不想被打扰}\n" in text
    code, out, summary = check(repo, capsys)
    assert code == 0, out
    assert "| 张伟 (`zhang-wei`) | 李明 → 公海 | 负责人放回公海 |" in summary


# --- a pull request cannot walk around the review (issue 13) -----------------------------


def commit_as(repo: Path, email: str, message: str) -> None:
    subprocess.run(["git", "-c", "user.name=x", "-c", f"user.email={email}", "commit", "-qam", message],
                   cwd=repo, capture_output=True, text=True, check=True)


@pytest.mark.parametrize("target", ["customers/_old/qian-hua.md", "customers/.trash/qian-hua.md",
                                    "customers/qian-hua.md.bak", "customers/qian-hua.MD",
                                    "archive/qian-hua.md"])
def test_moving_a_customer_where_followup_does_not_read_it_is_a_removal(repo, capsys, target):
    (repo / target).parent.mkdir(parents=True, exist_ok=True)
    git(repo, "mv", "customers/qian-hua.md", target)
    git(repo, "commit", "-qm", "tidy up")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert f"{target}:1:1: FU733 客户文件被移到 followup 不读取的位置:{target}" in out


def test_a_plain_move_out_of_customers_is_a_removal_too(repo, capsys):
    (repo / "old").mkdir()
    (repo / "customers/qian-hua.md").rename(repo / "old/qian-hua.md")
    code, out, _ = check(repo, capsys)
    assert code == 1 and "customers/qian-hua.md:1:1: FU721" in out


def test_a_pull_request_is_judged_by_the_rules_of_its_base(repo, capsys):
    # loosen the protection and take 李明's customer in the same pull request
    write(repo, "rules/ownership.yaml", "protection: {days_without_followup: 1}\nreclaim_cooldown_days: 30\n")
    edit(repo, "customers/zhang-wei.md", "owner: li-ming", "owner: wang-fang")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "FU725 负责人从 李明 改为 王芳 不符合归属规则:保护期到 2026-11-25" in out
    assert "rules/ownership.yaml:1:1: FU731 规则文件有改动:本次变更仍按基线 base 的规则判定" in out


def test_making_oneself_manager_does_not_sign_an_override(repo, capsys):
    edit(repo, "rules/team.yaml", "{id: wang-fang, name: 王芳}", "{id: wang-fang, name: 王芳, role: manager}")
    edit(repo, "customers/zhang-wei.md", "owner: li-ming", "owner: wang-fang")
    edit(repo, "customers/zhang-wei.md", "tier: A",
         "owner_history:\n  - {date: 2026-11-22, from: li-ming, to: wang-fang, by: wang-fang}\ntier: A")
    code, out, _ = check(repo, capsys)
    assert code == 1 and "FU725" in out


def test_moving_registered_earlier_is_an_error(repo, capsys):
    edit(repo, "customers/qian-hua.md", "registered: 2026-11-01", "registered: 2026-10-01")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "customers/qian-hua.md:5:13: FU728 登记日期被改动:2026-11-01 → 2026-10-01" in out


@pytest.fixture
def team_with_emails(repo) -> Path:
    edit(repo, "rules/team.yaml", "{id: wang-fang, name: 王芳}",
         "{id: wang-fang, name: 王芳, email: fang@example.com}")
    git(repo, "commit", "-qam", "emails")
    git(repo, "tag", "-f", "base")
    return repo


def test_a_log_entry_in_another_salespersons_name_is_an_error(team_with_emails, capsys):
    repo = team_with_emails
    edit(repo, "customers/zhang-wei.md", "note: 确认预算}",
         "note: 确认预算}\n  - {date: 2026-11-21, channel: 电话, by: li-ming, note: 代打}")
    commit_as(repo, "fang@example.com", "log for li-ming")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "customers/zhang-wei.md:12:41: FU729 新跟进记录写的是 李明,但提交者是 王芳" in out


def test_a_log_entry_committed_by_its_author_passes(team_with_emails, capsys):
    repo = team_with_emails
    edit(repo, "customers/zhang-wei.md", "note: 确认预算}",
         "note: 确认预算}\n  - {date: 2026-11-21, channel: 电话, by: li-ming, note: 回访}")
    commit_as(repo, "1234+liming@users.noreply.github.com", "log")  # 李明 through GitHub's web editor
    assert main(["grade", "--write", "--root", str(repo), "--as-of", AS_OF]) == 0
    commit_as(repo, "1234+liming@users.noreply.github.com", "grade")
    code, out, _ = check(repo, capsys)
    assert code == 0, out


def test_archiving_someone_elses_customer_is_an_error(team_with_emails, capsys):
    repo = team_with_emails
    edit(repo, "customers/zhang-wei.md", "tier: A", "archived: {date: 2026-11-22, reason: 不要了}\ntier: A")
    commit_as(repo, "fang@example.com", "archive")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert "FU732 归档了 李明 的客户,提交者是 王芳" in out


def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(repo, capsys):
    import os

    name = os.path.join(os.fsencode(repo / "customers"), b"\xff\xfe.md")
    with open(name, "wb") as handle:
        handle.write(b"---\nid: x\n---\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "odd name")
    code, out, _ = check(repo, capsys)
    assert code == 1
    line = "customers/\\xff\\xfe.md:1:1: FU730 文件名不是 UTF-8:customers/\\xff\\xfe.md"
    assert out.count(line) == 1, out


def test_a_file_name_that_is_not_utf8_never_crashes_a_strict_terminal(tmp_path):
    import os
    import sys

    root = tmp_path / "team"
    for rel, text in RULES.items():
        write(root, rel, text)
    (root / "customers").mkdir()
    with open(os.path.join(os.fsencode(root / "customers"), b"\xff.md"), "wb") as handle:
        handle.write(b"---\nid: x\n---\n")
    done = subprocess.run([sys.executable, "-m", "followup", "check", "--no-cache", "--as-of", AS_OF,
                           "--root", str(root)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"}, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("customers/\\xff.md:1:1: FU730"), done.stdout
