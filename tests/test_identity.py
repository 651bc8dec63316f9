"""Which customer is this, and what is its id: one answer for check, new and import.

Each defect measured on the old code has its case here: two id rules, an extension or a
WeChat field escaping the duplicate check, 有限公司 merged with 股份有限公司, phones never
validated, and a GBK CSV saved "as shown" (phones as ``1.39E+10``) merged into 11 files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from followup.checks.duplicates import check_duplicates
from followup.checks.ownership import check_ownership
from followup.cli import graded, main
from followup.engine.identity import normalise_company, normalise_email, parse_phone
from followup.engine.registration import Registry, customer_id, identity_keys
from followup.store.workspace import load_workspace
from test_ownership import AS_OF, add, customer

AS_OF_TEXT = AS_OF.isoformat()


@pytest.fixture
def root(tmp_path) -> Path:
    from test_gitbase import RULES, write

    root = tmp_path / "team"
    for rel, text in RULES.items():
        write(root, rel, text)
    (root / "customers").mkdir()
    return root


def cross_record(root: Path) -> list[tuple[str, str, tuple]]:
    ws = load_workspace(root, AS_OF)
    found = check_duplicates(ws, graded(ws)) + check_ownership(ws, graded(ws))
    return sorted((p.code, p.file, p.key_path) for p in found)


def check_json(capsys, root: Path) -> tuple[int, list[dict]]:
    code = main(["check", "--root", str(root), "--as-of", AS_OF_TEXT, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["problems"]


# --- phones, e-mails, company names -----------------------------------------------------------


@pytest.mark.parametrize("text", ["184 7530 9655 转 1", "184 7530 9655 分机 1", "184-7530-9655 ext. 1",
                                  "18475309655#1", "+86 184 7530 9655 x1"])
def test_an_extension_is_kept_apart_from_the_number(text):
    phone = parse_phone(text)
    assert (phone.number, phone.extension, phone.valid) == ("+8618475309655", "1", True)


@pytest.mark.parametrize("text, number, extension", [
    ("0571-88881234-8", "+8657188881234", "8"),          # switchboard-extension, as cards print it
    ("(0571)8888 1234 转 8", "+8657188881234", "8"),
    ("138 1234 5678(微信同号)", "+8613812345678", ""),    # a note in brackets
    ("１３８ １２３４ ５６７８", "+8613812345678", ""),     # full-width digits
    ("138-1234-5678", "+8613812345678", ""),             # not an extension: the number itself
])
def test_how_phones_are_written_in_china(text, number, extension):
    phone = parse_phone(text)
    assert (phone.number, phone.extension, phone.valid) == (number, extension, True)


@pytest.mark.parametrize("text, damage", [("1.39E+10", "scientific"), ("1.3912E+10", "scientific"),
                                          ("12345", "short"), ("139 1234 567", "short"),
                                          ("139 1234 56789", "long"), ("not a number", "letters"),
                                          ("2026-11-03", "date"), ("194 1296 9172", "invalid")])
def test_what_is_not_a_phone_number_says_why(text, damage):
    phone = parse_phone(text)
    assert (phone.valid, phone.number, phone.damage) == (False, "", damage)


def test_company_names_keep_their_legal_form():
    assert normalise_company("宁波海天塑机集团有限公司") != normalise_company("宁波海天塑机集团股份有限公司")
    assert normalise_company("宁波海天塑机集团有限公司") == normalise_company("宁波 海天塑机集团有限责任公司")
    assert normalise_company("宁波海天塑机集团有限公司") == normalise_company("宁波海天塑机集团公司")
    assert normalise_company("宁波海天塑机集团有限公司") != normalise_company("海天塑机集团有限公司")  # city
    assert normalise_company("Acme Inc.") != normalise_company("Acme Ltd")


def test_emails_compare_by_nfkc_and_case():
    assert normalise_email("ZhangSan＠Example.COM ") == "zhangsan@example.com"


def test_the_registry_prefers_a_strong_identity_and_says_why():
    registry = Registry()
    registry.add(identity_keys("宁波海天塑机集团有限公司", [{"phone": "138 1234 5678"}]), "row 2")
    registry.add(identity_keys("其他公司", [{"wechat": "haitian_buyer"}]), "row 3")
    found = registry.match(identity_keys("宁波海天塑机集团有限公司", [{"wechat": "HaiTian_Buyer"}]))
    assert (found.customer, found.kind, found.value, found.strong) == ("row 3", "wechat", "haitian_buyer",
                                                                       True)
    found = registry.match(identity_keys("宁波海天塑机集团公司", [{"phone": "139 0000 1111"}]))
    assert (found.customer, found.kind, found.strong) == ("row 2", "company", False)
    assert registry.match(identity_keys("宁波海天塑机集团股份有限公司", [])) is None


# --- check ------------------------------------------------------------------------------------


def test_an_extension_or_the_wechat_field_does_not_escape_the_duplicate_check(root):
    add(root, customer("a", "li-ming", "2026-11-01", "184 7530 9655"))
    add(root, customer("b", "li-ming", "2026-11-02", "184 7530 9655 转 1"))
    add(root, customer("c", "li-ming", "2026-11-03",
                       contact='{name: 小王, phone: "139 0000 1111", wechat: "18475309655"}'))
    assert cross_record(root) == [("FU402", "customers/b.md", ("contacts", 0, "phone")),
                                  ("FU402", "customers/c.md", ("contacts", 0, "wechat"))]
    add(root, customer("c", "wang-fang", "2026-11-03",
                       contact='{name: 小王, phone: "139 0000 1111", wechat: "18475309655"}'))
    assert [code for code, _f, _k in cross_record(root)] == ["FU402", "FU701"]  # now a 撞单


def test_a_wechat_id_on_two_customers_is_a_duplicate(root):
    add(root, customer("a", "li-ming", "2026-11-01",
                       contact='{name: 甲, phone: "138 0000 0001", wechat: wq_buyer}'))
    add(root, customer("b", "li-ming", "2026-11-02",
                       contact='{name: 乙, phone: "138 0000 0002", wechat: WQ_Buyer}'))
    assert cross_record(root) == [("FU405", "customers/b.md", ("contacts", 0, "wechat"))]


def test_limited_and_joint_stock_companies_are_two_customers(root):
    add(root, customer("a", "li-ming", "2026-11-01", "138 0000 0001", name="宁波海天塑机集团有限公司"))
    add(root, customer("b", "li-ming", "2026-11-02", "138 0000 0002", name="宁波海天塑机集团股份有限公司"))
    assert cross_record(root) == []
    add(root, customer("c", "li-ming", "2026-11-03", "138 0000 0003", name="宁波海天塑机集团有限责任公司"))
    assert cross_record(root) == [("FU404", "customers/c.md", ("name",))]


@pytest.mark.parametrize("contact, code, col", [
    ('{name: 张三, phone: "12345"}', "FU112", 23),
    ('{name: 张三, phone: "not a number"}', "FU112", 23),
    ('{name: 张三, phone: "1.39E+10"}', "FU112", 23),
    ('{name: 张三, phone: "138 0000 0001", email: "zhangsan＠example"}', "FU113", 47),
])
def test_check_reports_invalid_phones_and_emails_at_their_line_and_column(root, capsys, contact, code,
                                                                           col):
    add(root, customer("a", "li-ming", "2026-11-01", contact=contact))
    exit_code, problems = check_json(capsys, root)
    assert exit_code == 1
    errors = [(p["code"], p["file"], p["line"], p["col"]) for p in problems if p["severity"] == "error"]
    assert errors == [(code, "customers/a.md", 7, col)]


def test_a_full_width_at_sign_is_a_valid_email_and_the_same_one(root, capsys):
    add(root, customer("a", "li-ming", "2026-11-01",
                       contact='{name: 甲, phone: "138 0000 0001", email: "ZhangSan＠Example.com"}'))
    add(root, customer("b", "li-ming", "2026-11-02",
                       contact='{name: 乙, phone: "138 0000 0002", email: zhangsan@example.com}'))
    assert cross_record(root) == [("FU403", "customers/b.md", ("contacts", 0, "email"))]


# --- new and import ---------------------------------------------------------------------------


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "gbk") -> Path:
    """A CSV as Chinese office software saves it: GBK, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_new_and_import_give_the_same_id_for_the_same_name(empty_repo, tmp_path, capsys):
    assert customer_id("宁波海天塑机集团") == "ning-bo-hai-tian-su-ji-ji-tuan"
    assert main(["new", "--name", "宁波海天塑机集团", "--owner", "li-ming", "--phone", "138 1234 5678",
                 "--root", str(empty_repo), "--as-of", AS_OF_TEXT]) == 0
    by_new = sorted(p.name for p in (empty_repo / "customers").glob("*.md"))
    other = tmp_path / "other"
    other.mkdir()
    from conftest import make_repo

    second = make_repo(other / "repo", with_samples=False)
    sheet = _csv(second / "客户.csv", ["客户名称", "负责人", "手机", "登记日期"],
                 [["宁波海天塑机集团", "李明", "138 1234 5678", "2026/11/1"]])
    assert main(["import", str(sheet), "--write", "--root", str(second), "--as-of", AS_OF_TEXT]) == 0
    by_import = sorted(p.name for p in (second / "customers").glob("*.md"))
    assert by_new == by_import == ["ning-bo-hai-tian-su-ji-ji-tuan.md"]


def test_new_refuses_a_phone_already_written_in_a_wechat_field(empty_repo, capsys):
    args = ["--root", str(empty_repo), "--as-of", AS_OF_TEXT]
    assert main(["new", "--name", "王强", "--owner", "li-ming", "--phone", "139 0000 1111",
                 "--wechat", "18475309655", *args]) == 0
    capsys.readouterr()
    assert main(["new", "--name", "王强强", "--owner", "wang-fang", "--phone", "184 7530 9655 转 1",
                 *args]) == 1
    assert "撞单:phone +8618475309655 已登记为 customers/wang-qiang.md" in capsys.readouterr().err


def test_new_refuses_an_invalid_phone(empty_repo, capsys):
    assert main(["new", "--name", "王强", "--owner", "li-ming", "--phone", "1.39E+10",
                 "--root", str(empty_repo), "--as-of", AS_OF_TEXT]) == 1
    assert "电话 `1.39E+10` 不是有效的电话号码" in capsys.readouterr().err
    assert list((empty_repo / "customers").glob("*.md")) == []


def _thousand_rows(phone) -> list[list[str]]:
    cities = ["宁波", "杭州", "苏州", "无锡", "常州", "南通", "嘉兴", "绍兴", "台州", "温州"]
    return [[f"{cities[i % 10]}第{i:04d}号精密机械有限公司", f"联系人{i:04d}", phone(i), "李明",
             f"2026/10/{1 + i % 28}", f"2026/11/{1 + i % 20} 电话沟通"] for i in range(1000)]


HEADER = ["客户名称", "联系人", "手机", "负责人", "登记日期", "跟进记录"]


def test_a_gbk_csv_saved_as_shown_gives_a_clear_error_per_row_and_never_merges(empty_repo, capsys):
    """Office software saves an 11-digit number in a General column as it shows it,
    1.39E+10. The old import merged 1,000 distinct customers into 11 files; now every row
    is an error at its phone cell, and nothing is written."""
    numbers = [f"13{i % 10}{i:08d}" for i in range(1000)]
    shown = [f"{n[0]}.{n[1:3]}E+10" for n in numbers]
    sheet = _csv(empty_repo / "客户.csv", HEADER, [row for row in _thousand_rows(lambda i: shown[i])])
    code = main(["import", str(sheet), "--write", "--verbose", "--root", str(empty_repo),
                 "--as-of", AS_OF_TEXT])
    out = capsys.readouterr().out
    assert code == 1
    assert "编码 gb18030" in out
    for r in range(2, 1002):
        assert f"客户.csv:{r}:3: FU821" in out
    assert out.count("FU821") == 1000 and "FU820" not in out
    assert "已新建 0 个客户文件" in out and "无效 1000 行" in out
    assert list((empty_repo / "customers").glob("*.md")) == []


def test_the_same_gbk_csv_with_its_phones_as_text_gives_a_thousand_files(empty_repo, capsys):
    numbers = [f"13{i % 10}{i:08d}" for i in range(1000)]
    sheet = _csv(empty_repo / "客户.csv", HEADER, _thousand_rows(lambda i: numbers[i]))
    code = main(["import", str(sheet), "--root", str(empty_repo), "--as-of", AS_OF_TEXT])
    out = capsys.readouterr().out
    assert code == 0, out[-2000:]
    assert "将新建 1000 个客户文件" in out and "FU820" not in out and "合并的行" not in out
