"""The ownership policy (S5) rule by rule: 撞单 resolution, protection variants, 公海 recycling."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from followup.checks.ownership import check_ownership
from followup.cli import graded, main
from followup.engine.identity import normalise_company
from followup.engine.ownership import protection, recycle_plan
from followup.rules.ownership import Policy, build_policy
from followup.store.workspace import load_workspace
from test_gitbase import RULES, write

AS_OF = dt.date(2026, 11, 22)


def customer(cid: str, owner: str, registered: str, phone: str = "", name: str | None = None,
             extra: str = "", log: str = "", contact: str | None = None) -> str:
    contact = contact if contact is not None else f'{{name: {name or cid}, phone: "{phone}"}}'
    text = f"""\
        ---
        id: {cid}
        name: {name or cid}
        owner: {owner}
        registered: {registered}
        contacts:
          - {contact}
        """
    text = textwrap.dedent(text) + textwrap.dedent(extra)
    if log:
        text += "log:\n" + textwrap.dedent(log)
    return text + "---\n"


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "team"
    for rel, text in RULES.items():
        write(root, rel, text)
    (root / "customers").mkdir()
    return root


def problems_of(root: Path, ownership: str | None = None):
    if ownership is not None:
        write(root, "rules/ownership.yaml", ownership)
    ws = load_workspace(root, AS_OF)
    policy = [p for p in ws.problems if p.file == "rules/ownership.yaml"]  # loaded with the rules
    return [(p.code, p.file, p.params) for p in policy + check_ownership(ws, graded(ws))]


def add(root: Path, text: str) -> None:
    cid = text.split("id: ", 1)[1].split("\n", 1)[0]
    (root / "customers" / f"{cid}.md").write_text(text, encoding="utf-8")


def test_first_registration_wins(root):
    add(root, customer("a", "li-ming", "2026-11-01", "13800000001",
                       log="  - {date: 2026-11-05, channel: 电话, by: li-ming}\n"))
    add(root, customer("b", "wang-fang", "2026-11-10", "+86 138 0000 0001"))
    [(code, file, params)] = problems_of(root)
    assert (code, file, params["winner"]) == ("FU701", "customers/b.md", "li-ming")
    assert params["rule"] == "先登记原则"
    assert params["other_owner_name"] == "李明"


def test_seven_days_without_a_callback_the_second_registrant_wins(root):
    add(root, customer("a", "li-ming", "2026-11-01", "13800000001"))  # protected through 11-08
    add(root, customer("b", "wang-fang", "2026-11-10", "13800000001"))
    [(code, file, params)] = problems_of(root)
    assert (code, file, params["winner"]) == ("FU701", "customers/a.md", "wang-fang")
    assert params["rule"] == "原负责人保护期已过,视为新客户"


def test_an_invalid_registration_loses(root):
    add(root, customer("a", "li-ming", "2026-11-01", contact="{name: 王先生, email: w@x.cn}"))
    add(root, customer("b", "wang-fang", "2026-11-03", "13800000009", name="王强",
                       contact='{name: 王强, phone: "13800000009", email: W@X.cn}'))
    found = problems_of(root)
    assert ("FU703", "customers/a.md") in [(c, f) for c, f, _ in found]
    [conflict] = [p for p in found if p[0] == "FU701"]
    assert conflict[1] == "customers/a.md" and conflict[2]["winner"] == "wang-fang"
    assert conflict[2]["kind"] == "email"


def test_a_referral_goes_to_the_referrers_salesperson(root):
    add(root, customer("old", "li-ming", "2026-10-01", "13800000001"))
    add(root, customer("friend", "wang-fang", "2026-11-20", "13800000002", extra="referred_by: old\n"))
    [(code, file, params)] = problems_of(root)
    assert (code, file, params["expected"]) == ("FU704", "customers/friend.md", "li-ming")
    assert problems_of(root, "referrals: registrant\n") == []


def test_same_day_registrations_go_to_the_manager(root):
    add(root, customer("a", "li-ming", "2026-11-20", "13800000001"))
    add(root, customer("b", "wang-fang", "2026-11-20", "13800000001"))
    [(code, _file, params)] = problems_of(root)
    assert code == "FU702" and params["reason"] == "同日登记"


def test_group_buyers_share_with_co_owners(root):
    add(root, customer("corp", "li-ming", "2026-11-01", "13800000001", name="星河集团有限公司",
                       extra="co_owners: [wang-fang]\n"))
    add(root, customer("corp-2", "wang-fang", "2026-11-02", "13800000002", name="星河集团(上海)",
                       extra="co_owners: [li-ming]\n"))
    assert problems_of(root) == []
    found = problems_of(root, "group_buyers: false\n")
    assert sorted(c for c, _, _ in found) == ["FU701", "FU705", "FU705"]


def test_the_same_company_by_normalised_name():
    assert normalise_company("上海星河科技有限公司") == normalise_company("上海 星河科技 (浦东)公司")
    assert normalise_company("ACME Co., Ltd.") == normalise_company("Acme Ltd") == "acme"
    assert normalise_company("张伟") == ""  # a person's name is not a company


def test_the_cap_per_salesperson(root):
    for i in range(3):
        add(root, customer(f"c{i}", "li-ming", "2026-11-01", f"1380000000{i}"))
    [(code, file, params)] = problems_of(root, "max_customers: 2\n")
    assert (code, file, params["count"], params["cap"]) == ("FU706", "rules/team.yaml", 3, 2)


def test_a_bad_policy_is_reported_not_raised(root):
    found = problems_of(root, "protection: {days_without_followup: -1, on_lapse: nowhere}\nbogus: 1\n")
    assert sorted(c for c, _, _ in found) == ["FU708", "FU708", "FU708"]


def test_protection_variants_of_seed_004(root):
    add(root, customer("a", "li-ming", "2026-11-01", "13800000001",
                       log="  - {date: 2026-11-01, channel: 到访, by: li-ming}\n"
                           "  - {date: 2026-11-08, channel: 电话, by: li-ming, outcome: 有意向}\n"
                           "  - {date: 2026-11-20, channel: 电话, by: li-ming}\n"))
    ws = load_workspace(root, AS_OF)
    c = ws.customer("a")
    playbook = ws.rules.playbook
    assert protection(c, Policy(), playbook, []).expires == dt.date(2026, 11, 27)
    only_intent = Policy(days_without_followup=None, new_intent_days=15)
    assert protection(c, only_intent, playbook, []).expires == dt.date(2026, 11, 23)
    first_call = Policy(days_without_followup=None, first_callback_days=10)
    assert protection(c, first_call, playbook, []).expires is None or \
        protection(c, first_call, playbook, []).rule == ""
    add(root, customer("b", "li-ming", "2026-11-01", "13800000002"))
    ws = load_workspace(root, AS_OF)
    assert protection(ws.customer("b"), first_call, playbook, []).expires == dt.date(2026, 11, 11)


def test_recycling_to_the_pool_per_tier_with_a_warning_before(root):
    policy, problems = build_policy({"protection": {"days_without_followup": None},
                                     "recycle": {"warn_days": 2, "tiers": {"A": {"no_followup_days": 7}},
                                                 "default": {"no_followup_days": 30}}})
    assert problems == []
    add(root, customer("due", "li-ming", "2026-11-01", "13800000001", extra="need: clear\n",
                       log="  - {date: 2026-11-10, channel: 电话, by: li-ming}\n"))
    add(root, customer("soon", "li-ming", "2026-11-01", "13800000002", extra="need: clear\n",
                       log="  - {date: 2026-11-15, channel: 电话, by: li-ming}\n"))
    add(root, customer("locked", "li-ming", "2026-11-01", "13800000003", extra="need: clear\nlocked: true\n",
                       log="  - {date: 2026-11-01, channel: 电话, by: li-ming}\n"))
    add(root, customer("b-tier", "li-ming", "2026-11-01", "13800000004",
                       log="  - {date: 2026-11-10, channel: 电话, by: li-ming}\n"))
    ws = load_workspace(root, AS_OF)
    plan = recycle_plan(ws, graded(ws), policy, AS_OF)
    assert [(r.customer.id, r.when, r.reason, r.warning) for r in plan] == [
        ("due", dt.date(2026, 11, 17), "no_followup", False),
        ("soon", dt.date(2026, 11, 22), "no_followup", True),
    ]


def test_recycle_write_is_a_reviewable_change(root, capsys):
    write(root, "rules/ownership.yaml", "protection: {on_lapse: pool}\nrecycle: {warn_days: 0}\n")
    add(root, customer("gone", "li-ming", "2026-11-01", "13800000001",
                       log="  - {date: 2026-11-02, channel: 电话, by: li-ming}  # 只打过一次\n"))
    assert main(["grade", "--write", "--root", str(root), "--as-of", str(AS_OF)]) == 0
    assert main(["recycle", "--root", str(root), "--as-of", str(AS_OF)]) == 0
    out = capsys.readouterr().out
    assert "customers/gone.md:gone(李明)→ 公海:保护期已过(截至 2026-11-09)" in out
    assert (root / "customers/gone.md").read_text().count("owner: li-ming") == 1  # showing writes nothing
    assert main(["recycle", "--write", "--root", str(root), "--as-of", str(AS_OF)]) == 0
    text = (root / "customers/gone.md").read_text(encoding="utf-8")
    assert "owner: pool\n" in text
    assert "  - {date: 2026-11-22, from: li-ming, to: pool, by: recycle, reason: 保护期已过}\n" in text
    assert "# 只打过一次" in text
    assert main(["check", "--root", str(root), "--as-of", str(AS_OF)]) == 0


def test_codeowners_maps_owners_to_github_handles(root, capsys):
    add(root, customer("a", "li-ming", "2026-11-01", "13800000001"))
    add(root, customer("b", "wang-fang", "2026-11-01", "13800000002"))
    assert main(["codeowners", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "/rules/ @zhaolei\n" in out
    assert "/customers/a.md @liming\n" in out
    assert "/customers/b.md @zhaolei\n" in out  # no handle for 王芳: the manager reviews
    assert "# no github handle for: wang-fang" in out
    assert main(["codeowners", "--write", "--root", str(root)]) == 0
    assert main(["codeowners", "--check", "--root", str(root)]) == 0
