"""Importing the sheets Chinese teams really keep: written here with openpyxl and csv,
in every encoding Excel and WPS write, with merged headers, blank rows, serial and
text dates; each import must leave a repository that ``followup check`` passes.

The sheet builders are reused by the export and walkthrough tests (and wrote
``docs/examples/客户表.xlsx``; a test below keeps that file equal to the builder).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from followup.cli import main
from followup.engine.registration import customer_id as slug
from followup.store import yaml12
from followup.store.atomic import WriteRefused, create
from followup.store.document import split

AS_OF = "2026-11-22"
REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "客户表.xlsx"

HEADER = ["序号", "客户名称", "联系人", None, None, None, "微信", "负责人", "来源", "登记日期", "客户等级",
          "需求", "预计成交", "金额", "最近跟进", "跟进记录", "备注"]
SUBHEADER = [None, None, "姓名", "职务", "手机", "邮箱"] + [None] * 11

# the rows of the example sheet: dates in every form a sheet holds them
ROWS = [
    [1, "上海恒通贸易有限公司", "王强", "采购经理", 13812345678, "wq@hengtong.example", "wq_buyer",
     "李明", "展会", dt.datetime(2026, 10, 8), "A", "明确需求", "2026/12/1", "12万", None,
     "2026/10/12 电话沟通,要报价;2026年10月20日 到访看样品\n2026.11.3 微信发了合同", "重点客户"],
    [2, "杭州青禾家居有限公司", "赵敏", "总经理", "139 0571 2233", None, None,
     "王芳", "转介绍", 46300, "B", "明确需求", 46380, 80000, "2026-11-10",
     "老客户介绍。2026-11-10 电话,下月再谈", None],
    [3, "苏州新拓电子科技有限公司", "孙磊", "技术总监", "0512-6688 1234 / 13900001111",
     "sunlei@xintuo.example", None, "陈静", "网络", "2026年10月15日", "C", "潜在需求", None, "¥50,000", None,
     "2026/10/16 发了资料", "对价格敏感"],
    [4, "张伟", "张伟", None, "13700001111", None, "zw_88", "li-ming", "电话", "2026.10.20", "D",
     "无需求", None, None, "2026/11/2", None, None],
    [None] * 17,  # a blank row in the middle, as sheets have
    [5, "宁波海曙建材商行", "钱红", "老板", 13600002222, None, None, "刘洋", "展会", "2026-10-21", "B",
     "明确需求", "2027年1月15日", "3.5万元", None, "2026/10/22 到访;2026/11/05 未接通", None],
    [6, "上海恒通贸易有限公司", "王强", "采购经理", "138-1234-5678", None, None, "李明", "展会",
     "2026/10/8", "A", None, None, None, None, None, "重复登记"],  # the same customer again
    [7, "广州南越餐饮管理有限公司", "黄丽", "行政", "020-8888 6666", "huangli@nanyue.example", None,
     "王芳", "老客户介绍", "2026/11/18", "A", "明确需求", "2026-12-10", 200000, None,
     "2026年11月19日 上门量房,客户很满意", None],
]


def example_sheet(path: Path) -> Path:
    """The example sheet: a merged title, a two-level merged header (联系人 over 姓名/职务/手机/邮箱),
    numbers, serials and text dates, a blank row, a duplicate and a 合计 row."""
    book = Workbook()
    ws = book.active
    ws.title = "客户登记"
    ws.append(["2026 年客户登记表(华东、华南)"])
    ws.merge_cells("A1:Q1")
    ws.append(HEADER)
    ws.append(SUBHEADER)
    ws.merge_cells("C2:F2")
    for col in "ABGHIJKLMNOPQ":
        ws.merge_cells(f"{col}2:{col}3")
    for row in ROWS:
        ws.append(row)
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, 505000])
    book.save(path)
    return path


def flat_rows() -> tuple[list[str], list[list]]:
    """The same customers as a flat table (one header row), for CSV."""
    header = ["客户名称", "联系人", "职务", "手机", "邮箱", "负责人", "来源", "登记日期", "客户等级", "需求",
              "预计成交", "跟进记录", "备注"]
    rows = [["上海恒通贸易有限公司", "王强", "采购经理", "13812345678", "wq@hengtong.example", "李明",
             "展会", "2026/10/8", "A", "明确需求", "2026年12月1日",
             "2026/10/12 电话沟通,要报价;2026/10/20 到访", "重点"],
            ["", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["杭州青禾家居有限公司", "赵敏", "总经理", "139 0571 2233", "", "王芳", "转介绍", "2026-10-05",
             "B", "明确需求", "2026.12.20", "2026年11月10日 电话,下月再谈", ""],
            ["张伟", "张伟", "", "13700001111", "", "li-ming", "电话", "2026.10.20", "D", "无需求", "",
             "", "同名测试"]]
    return header, rows


def write_csv(path: Path, encoding: str, delimiter: str = ",") -> Path:
    header, rows = flat_rows()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(capsys, *argv) -> tuple[int, str]:
    code = main([*argv, "--as-of", AS_OF])
    return code, capsys.readouterr().out


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "customers").rglob("*"))
            if p.is_file()}


def front(root: Path, cid: str) -> dict:
    doc = split(cid, (root / "customers" / f"{cid}.md").read_bytes())
    return yaml12.load_fast(doc.yaml_text)


# --- realistic xlsx ----------------------------------------------------------------------


def test_xlsx_with_merged_headers_blank_rows_and_every_date_form(empty_repo, capsys):
    sheet = example_sheet(empty_repo / "客户表.xlsx")
    root = str(empty_repo)
    code, out = run(capsys, "import", str(sheet), "--root", root)
    assert code == 0, out
    assert "表头在第 3 行" in out and "xlsx:10:1: FU820" in out  # the repeated row is merged
    assert snapshot(empty_repo) == {}, "a dry run writes no customer"
    mapping = (empty_repo / "客户表.mapping.yaml").read_text(encoding="utf-8")
    for line in ("客户名称: name", "姓名: contact.name", "手机: contact.phone", "邮箱: contact.email",
                 "负责人: owner", "登记日期: registered", "客户等级: notes", "需求: need",
                 "预计成交: expected_close", "金额: deal_value", "最近跟进: last_contact",
                 "跟进记录: log", "备注: notes", "序号: ignore"):
        assert line in mapping

    code, out = run(capsys, "import", str(sheet), "--root", root, "--write")
    assert code == 0, out
    assert len(snapshot(empty_repo)) == 6
    assert main(["check", "--root", root, "--as-of", AS_OF]) == 0, capsys.readouterr().out

    hengtong = front(empty_repo, "shang-hai-heng-tong-mao-yi")
    assert hengtong["registered"] == dt.date(2026, 10, 8)  # a datetime cell
    assert hengtong["contacts"][0] == {"name": "王强", "role": "采购经理", "phone": "13812345678",
                                       "email": "wq@hengtong.example", "wechat": "wq_buyer"}
    assert hengtong["need"] == "clear" and hengtong["expected_close"] == dt.date(2026, 12, 1)
    assert hengtong["deal_value"] == 120000  # 12万
    assert [(e["date"], e.get("channel")) for e in hengtong["log"]] == [
        (dt.date(2026, 10, 12), "电话"), (dt.date(2026, 10, 20), "到访"), (dt.date(2026, 11, 3), "微信")]
    assert hengtong["tier"] == "A"  # clear need, closing within 30 days of the last contact

    qinghe = front(empty_repo, "hang-zhou-qing-he-jia-ju")
    assert qinghe["registered"] == dt.date(2026, 10, 5)  # Excel serial 46300
    assert qinghe["expected_close"] == dt.date(2026, 12, 24)  # serial 46380
    assert qinghe["log"][-1]["date"] == dt.date(2026, 11, 10)
    body = (empty_repo / "customers" / "hang-zhou-qing-he-jia-ju.md").read_text(encoding="utf-8")
    assert "跟进记录:老客户介绍。" in body and "客户等级:B" in body

    xintuo = front(empty_repo, "su-zhou-xin-tuo-dian-zi-ke-ji")
    assert xintuo["registered"] == dt.date(2026, 10, 15)  # 2026年10月15日
    assert [c.get("phone") for c in xintuo["contacts"]] == ["0512-6688 1234", "13900001111"]
    assert xintuo["deal_value"] == 50000

    zhang = front(empty_repo, "zhang-wei")
    assert zhang["registered"] == dt.date(2026, 10, 20)  # 2026.10.20
    assert zhang["owner"] == "li-ming"  # an id in the owner column
    assert zhang["log"] == [{"date": dt.date(2026, 11, 2), "by": "li-ming",
                             "note": "最近跟进(导入自表格)"}]
    assert zhang["tier"] == "E"

    haishu = front(empty_repo, "ning-bo-hai-shu-jian-cai-shang-hang")
    assert haishu["deal_value"] == 35000
    assert [e.get("channel") for e in haishu["log"]] == ["到访", "未接通"]
    assert haishu["expected_close"] == dt.date(2027, 1, 15)


def test_two_row_header_without_vertical_merges(empty_repo, capsys):
    """联系人 merged across 姓名 | 手机 in row 1, the other headers in row 1 only."""
    book = Workbook()
    ws = book.active
    ws.append(["客户名称", "联系人", None, "负责人", "登记日期"])
    ws.append([None, "姓名", "手机", None, None])
    ws.merge_cells("B1:C1")
    ws.append(["甲方科技公司", "周杰", "13811112222", "陈静", "2026-11-02"])
    book.save(empty_repo / "two.xlsx")
    code, out = run(capsys, "import", str(empty_repo / "two.xlsx"), "--root", str(empty_repo), "--write")
    assert code == 0, out
    assert "表头在第 2 行" in out
    data = front(empty_repo, "jia-fang-ke-ji")
    assert data["contacts"] == [{"name": "周杰", "phone": "13811112222"}] and data["owner"] == "chen-jing"


def test_reimporting_the_same_sheet_creates_and_changes_nothing(empty_repo, capsys):
    sheet = example_sheet(empty_repo / "客户表.xlsx")
    root = str(empty_repo)
    assert run(capsys, "import", str(sheet), "--root", root, "--write")[0] == 0
    before = snapshot(empty_repo)
    code, out = run(capsys, "import", str(sheet), "--root", root, "--write")
    assert code == 0
    assert "已新建 0 个客户文件" in out and "已存在 7 行" in out
    assert snapshot(empty_repo) == before


# --- csv in every encoding ------------------------------------------------------------------


@pytest.mark.parametrize("encoding, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                 ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_in_the_encodings_chinese_excel_writes(empty_repo, capsys, encoding, reported):
    sheet = write_csv(empty_repo / "客户.csv", encoding)
    root = str(empty_repo)
    code, out = run(capsys, "import", str(sheet), "--root", root, "--write")
    assert code == 0, out
    assert f"编码 {reported}" in out
    assert sorted(snapshot(empty_repo)) == ["customers/hang-zhou-qing-he-jia-ju.md",
                                            "customers/shang-hai-heng-tong-mao-yi.md",
                                            "customers/zhang-wei.md"]
    data = front(empty_repo, "shang-hai-heng-tong-mao-yi")
    assert data["name"] == "上海恒通贸易有限公司" and data["expected_close"] == dt.date(2026, 12, 1)
    assert data["log"][0]["note"] == "电话沟通,要报价"
    assert main(["check", "--root", root, "--as-of", AS_OF]) == 0, capsys.readouterr().out


def test_tab_separated_text_export_is_read_too(empty_repo, capsys):
    sheet = write_csv(empty_repo / "客户.csv", "gb18030", delimiter="\t")
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0, out
    assert len(snapshot(empty_repo)) == 3


def test_unreadable_bytes_are_a_problem_not_a_traceback(empty_repo, capsys):
    bad = empty_repo / "bad.xlsx"
    bad.write_bytes(b"not a zip file")
    code, out = run(capsys, "import", str(bad), "--root", str(empty_repo))
    assert code == 1 and "FU801" in out


# --- problems: invalid rows, unknown owners, duplicates ----------------------------------------


def _sheet(path: Path, rows: list[list], header=("客户名称", "负责人", "电话", "登记日期", "邮箱")) -> Path:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_invalid_rows_and_unknown_owners_are_reported_with_row_and_column(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [
        ["甲方科技公司", "李明", "13811112222", "2026/11/1", None],
        [None, "李明", "13811113333", "2026/11/1", None],          # no name
        ["乙方科技公司", "小周", "13811114444", "2026/11/1", None],      # unknown owner
        ["丙方科技公司", "王芳", "13811115555", "明天", None],           # not a date
        ["丁方科技公司", "王芳", "13811116666", "2026/11/1", "ding#example"],  # not an email
        ["戊方科技公司", "王芳", "138 1111 2222", "2026/11/2", None],    # the phone of row 2
    ])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 1
    assert "s.xlsx:3:1: FU803" in out
    assert "s.xlsx:4:2: FU804" in out and "小周" in out
    assert "s.xlsx:5:4: FU805" in out and "明天" in out
    assert "s.xlsx:6:5: FU811" in out
    assert "s.xlsx:7:1: FU807" in out
    assert sorted(snapshot(empty_repo)) == ["customers/jia-fang-ke-ji.md"]
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0


def test_phones_a_spreadsheet_damaged_are_reported_at_their_cell(empty_repo, capsys):
    """Each kind of damage at its row and column; the damaged rows are not imported, the
    others are, and nothing is merged on a damaged number."""
    sheet = _sheet(empty_repo / "s.xlsx", [
        ["甲方科技公司", "李明", "1.39E+10", "2026/11/1", None],              # scientific notation
        ["乙方科技公司", "李明", dt.datetime(2026, 3, 8), "2026/11/1", None],  # a date
        ["丙方科技公司", "李明", "139 1234 567", "2026/11/1", None],           # a digit lost
        ["丁方科技公司", "李明", "电话见名片", "2026/11/1", None],              # no number
        ["戊方科技公司", "李明", "138****5678", "2026/11/1", None],             # masked: a warning
        ["己方科技公司", "李明", "139 1234 5678 转 8", "2026/11/1", "JI＠Example.com"],
        ["庚方科技公司", "李明", 13900000000, "2026/11/1", None],   # 1.39E+10 read back as a number
    ])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 1
    for cell in ("2:3: FU821", "3:3: FU822", "4:3: FU823", "5:3: FU824", "6:3: FU813", "8:3: FU821"):
        assert f"s.xlsx:{cell}" in out, cell
    assert "有 10 位数字,手机号是 11 位" in out
    assert sorted(snapshot(empty_repo)) == ["customers/ji-fang-ke-ji.md", "customers/wu-fang-ke-ji.md"]
    assert front(empty_repo, "ji-fang-ke-ji")["contacts"] == [{"phone": "139 1234 5678 转 8",
                                                               "email": "JI＠Example.com"}]
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0


def test_a_phone_in_the_wechat_column_is_that_phone(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [
        ["甲方科技有限公司", "李明", "13811112222", None],
        ["甲方科技有限公司", "李明", None, "138 1111 2222"],
    ], header=("客户名称", "负责人", "电话", "微信"))
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo))
    assert code == 0, out
    assert "s.xlsx:3:1: FU820" in out and "第 3 行 → customers/jia-fang-ke-ji.md(phone +8613811112222)" in out


def test_the_edited_mapping_file_is_used(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx",
                   [["乙方科技公司", "小周", "13811114444", "2026/11/1", "x@y.example"]])
    root = str(empty_repo)
    assert run(capsys, "import", str(sheet), "--root", root)[0] == 1
    mapping = empty_repo / "s.mapping.yaml"
    text = mapping.read_text(encoding="utf-8")
    assert "小周: ~" in text
    text = text.replace("小周: ~", "小周: wang-fang").replace("邮箱: contact.email", "邮箱: ignore")
    mapping.write_text(text, encoding="utf-8")
    code, out = run(capsys, "import", str(sheet), "--root", root, "--write")
    assert code == 0, out
    data = front(empty_repo, "yi-fang-ke-ji")
    assert data["owner"] == "wang-fang" and "email" not in data["contacts"][0]


def test_a_column_added_after_the_mapping_was_written_is_reported(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1", None]])
    (empty_repo / "s.mapping.yaml").write_text(
        "columns:\n  客户名称: name\n  负责人: owner\n  电话: contact.phone\n  登记日期: registered\n",
        encoding="utf-8")
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo))
    assert code == 0 and "s.xlsx:1:5: FU819" in out and "邮箱" in out


def test_a_wrong_mapping_target_points_at_its_line(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1", None]])
    (empty_repo / "s.mapping.yaml").write_text(
        "columns:\n  客户名称: name\n  负责人: owner\n  电话: telephone\n", encoding="utf-8")
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo))
    assert code == 1
    assert "s.mapping.yaml:4:" in out and "FU809" in out and "telephone" in out


def test_mapping_defaults_fill_empty_cells(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", None, "13811112222", "2026/11/1", None]])
    (empty_repo / "s.mapping.yaml").write_text(
        "columns: {客户名称: name, 负责人: owner, 电话: contact.phone, 登记日期: registered, 邮箱: ignore}\n"
        "defaults: {owner: wang-fang, source: 展会}\n", encoding="utf-8")
    assert run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")[0] == 0
    data = front(empty_repo, "jia-fang-ke-ji")
    assert (data["owner"], data["source"]) == ("wang-fang", "展会")


def test_default_owner_takes_rows_without_a_known_owner(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", None, "13811112222", "2026/11/1", None],
                                           ["乙方科技公司", "小周", "13811113333", "2026/11/1", None]])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write",
                    "--default-owner", "chen-jing")
    assert code == 0, out
    assert {front(empty_repo, c)["owner"] for c in ("jia-fang-ke-ji", "yi-fang-ke-ji")} == {"chen-jing"}


def test_rows_of_one_customer_merge_on_a_strong_identity_and_every_merge_is_shown(empty_repo, capsys):
    """One row per contact person, as many sheets have: rows with the same id (编号) or the same
    phone (an extension does not make it another line) become one file; the dry run lists
    every merged row with the file and the identity it was merged on."""
    sheet = _sheet(empty_repo / "s.xlsx", [
        ["hua-dong", "华东精密机械有限公司", "李明", "王强", "13811112222", "2026/11/1", "2026/11/2 电话"],
        ["hua-dong", "华东精密机械有限公司", "李明", "刘芳", "13933334444", "2026/11/1", "2026/11/6 到访"],
        [None, "华东精密机械公司", "李明", "王强", "138 1111 2222 转 8", "2026/11/1", "2026/11/9 电话"],
        [None, "华东精密机械 有限公司", "王芳", "赵六", "13955556666", "2026/11/1", None],  # another owner
    ], header=("编号", "客户名称", "负责人", "联系人", "电话", "登记日期", "跟进记录"))
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo))
    assert code == 0, out
    assert "s.xlsx:3:1: FU820" in out and "s.xlsx:4:1: FU820" in out and "s.xlsx:5:1: FU807" in out
    assert "  第 3 行 → customers/hua-dong.md(id hua-dong)" in out
    assert "  第 4 行 → customers/hua-dong.md(phone +8613811112222)" in out
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert sorted(snapshot(empty_repo)) == ["customers/hua-dong.md"]
    data = front(empty_repo, "hua-dong")
    assert [(c["name"], c["phone"]) for c in data["contacts"]] == [
        ("王强", "13811112222"), ("刘芳", "13933334444")]
    assert [(e["date"], e.get("channel")) for e in data["log"]] == [
        (dt.date(2026, 11, 2), "电话"), (dt.date(2026, 11, 6), "到访"), (dt.date(2026, 11, 9), "电话")]
    assert "第 3 行(同一客户)已合并到这里" in (
        empty_repo / "customers" / "hua-dong.md").read_text(encoding="utf-8")
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert "已新建 0 个客户文件" in out


def test_a_shared_company_name_alone_does_not_merge_rows(empty_repo, capsys):
    """Two rows of one company name but no shared phone, e-mail, WeChat id or id: two files and
    a warning to look (FU814), never a silent merge; 股份有限公司 is another company."""
    sheet = _sheet(empty_repo / "s.xlsx", [
        ["宁波海天塑机集团有限公司", "李明", "13811112222", "2026/11/1", None],
        ["宁波海天塑机集团有限公司", "李明", "13933334444", "2026/11/1", None],
        ["宁波海天塑机集团股份有限公司", "李明", "13955556666", "2026/11/1", None],
    ])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0, out
    assert "s.xlsx:3:1: FU814" in out and "s.xlsx:4:1" not in out and "FU820" not in out
    assert sorted(snapshot(empty_repo)) == ["customers/ning-bo-hai-tian-su-ji-ji-tuan-2.md",
                                            "customers/ning-bo-hai-tian-su-ji-ji-tuan-3.md",
                                            "customers/ning-bo-hai-tian-su-ji-ji-tuan.md"]
    code, out = run(capsys, "check", "--root", str(empty_repo), "--as-of", AS_OF)
    assert code == 0 and out.count("FU404") == 1, out  # the two 有限公司 files, as a warning


def test_rows_matching_existing_customers_by_phone_email_or_company_are_skipped(empty_repo, capsys):
    root = str(empty_repo)
    first = _sheet(empty_repo / "a.xlsx", [["上海恒通贸易有限公司", "李明", "13811112222", "2026/11/1", None],
                                           ["张伟", "李明", "13811113333", "2026/11/1", "zw@x.example"]])
    assert run(capsys, "import", str(first), "--root", root, "--write")[0] == 0
    before = snapshot(empty_repo)
    second = _sheet(empty_repo / "b.xlsx", [
        ["上海恒通贸易 有限公司", "王芳", None, "2026/11/5", None],  # the company, spelled apart
        ["王五", "王芳", "+86 138-1111-2222", "2026/11/5", None],   # the phone
        ["李四", "王芳", None, "2026/11/5", "ZW@x.example"],        # the email
        ["张伟", "王芳", "13999998888", "2026/11/5", None],          # a namesake: other phone
    ])
    code, out = run(capsys, "import", str(second), "--root", root, "--write")
    assert code == 0, out
    assert out.count("FU808") == 3 and "FU814" in out
    after = snapshot(empty_repo)
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(set(after) - set(before)) == ["customers/zhang-wei-2.md"]
    assert main(["check", "--root", root, "--as-of", AS_OF]) == 0, capsys.readouterr().out


def test_followups_outside_the_records_dates_stay_notes(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1",
                                            "2025/3/1 旧记录;2026/11/5 电话;2027/1/1 计划拜访"]],
                   header=("客户名称", "负责人", "电话", "登记日期", "跟进记录"))
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0 and out.count("FU815") == 2
    data = front(empty_repo, "jia-fang-ke-ji")
    assert [e["date"] for e in data["log"]] == [dt.date(2026, 11, 5)]
    body = (empty_repo / "customers" / "jia-fang-ke-ji.md").read_text(encoding="utf-8")
    assert "2025-03-01:旧记录" in body and "2027-01-01:计划拜访" in body
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0


def test_next_followup_column_sets_a_hand_set_next_date(empty_repo, capsys):
    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1", "2026/11/5",
                                            "2026/12/1"]],
                   header=("客户名称", "负责人", "电话", "登记日期", "最近跟进", "下次跟进"))
    assert run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")[0] == 0
    data = front(empty_repo, "jia-fang-ke-ji")
    assert data["log"][-1]["next"] == dt.date(2026, 12, 1) and data["due"] == dt.date(2026, 12, 1)


# --- never overwrite ---------------------------------------------------------------------------


def test_create_new_refuses_an_existing_file_and_leaves_it_alone(tmp_path):
    target = tmp_path / "a.md"
    target.write_bytes(b"mine")
    with pytest.raises(WriteRefused):
        create(tmp_path, target, b"theirs")
    assert target.read_bytes() == b"mine"
    create(tmp_path, tmp_path / "b.md", b"new")
    assert (tmp_path / "b.md").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".followup-tmp", "a.md", "b.md"]
    assert [p.name for p in (tmp_path / ".followup-tmp").iterdir()] == ["lock"]  # no temp files left


def test_a_file_that_appears_between_plan_and_write_is_not_overwritten(empty_repo, capsys):
    from followup.store.workspace import load_workspace
    from followup.transfer.importer import plan_import, write_planned
    from followup.transfer.mapping import propose
    from followup.transfer.table import read_table

    sheet = _sheet(empty_repo / "s.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1", None]])
    ws = load_workspace(empty_repo, dt.date(2026, 11, 22))
    table = read_table(sheet)
    plan = plan_import(ws, table, propose(table, ws.rules.playbook.facts, ws.rules.team), "s.xlsx",
                       dt.date(2026, 11, 22))
    someone_else = empty_repo / "customers" / "jia-fang-ke-ji.md"
    someone_else.write_bytes(b"written meanwhile")
    write_planned(ws, plan)
    assert someone_else.read_bytes() == b"written meanwhile"
    assert [p.code for p in plan.problems] == ["FU812"]


# --- ids, speed, the shipped example --------------------------------------------------------------


def test_ids_are_readable_pinyin_without_the_legal_suffix():
    assert slug("上海恒通贸易有限公司") == "shang-hai-heng-tong-mao-yi"
    assert slug("张伟") == "zhang-wei"
    assert slug("ABC 科技") == "abc-ke-ji"
    assert len(slug("非常长的公司名字" * 10)) <= 48


def test_a_thousand_row_sheet_imports_in_seconds(empty_repo, capsys):
    owners = ["李明", "王芳", "陈静", "刘洋"]
    rows = [[f"测试客户{i:04d}有限公司", owners[i % 4], f"139{i:08d}", f"2026/10/{1 + i % 28}",
             f"2026/11/{1 + i % 20} 电话沟通 第{i}次;2026年11月{1 + i % 20}日 微信跟进"] for i in range(1000)]
    sheet = _sheet(empty_repo / "big.xlsx", rows,
                   header=("客户名称", "负责人", "电话", "登记日期", "跟进记录"))
    started = time.perf_counter()
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    elapsed = time.perf_counter() - started
    assert code == 0, out[-2000:]
    assert len(snapshot(empty_repo)) == 1000
    print(f"imported 1,000 rows in {elapsed:.1f} s")
    assert elapsed < 60, "a loose smoke bound; the measured figure is in docs/spreadsheet.md"
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0


def test_the_shipped_example_sheet_is_the_one_this_file_builds(tmp_path):
    built = load_workbook(example_sheet(tmp_path / "x.xlsx"))
    shipped = load_workbook(EXAMPLE)
    for a, b in zip(built.worksheets, shipped.worksheets, strict=True):
        assert [list(r) for r in a.iter_rows(values_only=True)] == \
               [list(r) for r in b.iter_rows(values_only=True)]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))


def test_english_headers_and_owners_written_in_pinyin(empty_repo, capsys):
    sheet = empty_repo / "leads.csv"
    sheet.write_text("Company,Contact,Title,Phone,E-mail,Owner,Lead source,Created,Last contact,"
                     "Follow-up notes,Amount,Stage\n"
                     "Acme Trading Co. Ltd,John Smith,Buyer,+1 415 555 0100,john@acme.example,Li Ming,"
                     'fair,2026-11-03,2026-11-05,"2026-11-05 phone call, wants a quote",$12000,'
                     "客户有采购计划\n",
                     encoding="utf-8")
    code, out = main(["import", str(sheet), "--root", str(empty_repo), "--write", "--as-of", AS_OF,
                      "--lang", "en"]), capsys.readouterr().out
    assert code == 0, out
    assert "created 1 customer file." in out
    data = front(empty_repo, "acme-trading-co-ltd")
    assert data["owner"] == "li-ming" and data["stage"] == "3" and data["deal_value"] == 12000
    assert data["contacts"][0]["phone"] == "+1 415 555 0100"
    assert data["log"] == [{"date": dt.date(2026, 11, 5), "channel": "phone", "by": "li-ming",
                            "note": "phone call, wants a quote"}]


def test_old_excel_files_are_refused_with_advice(empty_repo, capsys):
    old = empty_repo / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    code, out = run(capsys, "import", str(old), "--root", str(empty_repo))
    assert code == 1 and "FU801" in out and ".xlsx" in out


def test_importing_next_to_existing_customers_adds_no_problem(sample_repo, capsys):
    """Into the repository with the sample customers: whatever the samples report, no
    problem of `followup check` involves a file the import created."""
    import json

    sheet = example_sheet(sample_repo / "客户表.xlsx")
    before = snapshot(sample_repo)
    code, out = run(capsys, "import", str(sheet), "--root", str(sample_repo), "--write")
    assert code == 0, out
    created = set(snapshot(sample_repo)) - set(before)
    assert created and {k: v for k, v in snapshot(sample_repo).items() if k in before} == before
    main(["check", "--root", str(sample_repo), "--as-of", AS_OF, "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    involved = [p for p in problems
                if p["file"] in created or any(c in p["message"] for c in created)]
    assert involved == []


# --- the renderer: any text a cell can hold reads back as itself ---------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                     min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(name=_cell_text, note=_cell_text, phone=_cell_text)
def test_rendered_front_matter_reads_back_as_the_data_with_both_readers(name, note, phone):
    from followup.transfer.importer import _disagreements, render_front_matter

    data = {"id": "x", "name": name, "owner": "li-ming", "registered": dt.date(2026, 11, 1),
            "contacts": [{"name": name, "phone": phone}],
            "log": [{"date": dt.date(2026, 11, 2), "by": "li-ming", "note": note}]}
    text = render_front_matter(data)
    assert yaml12.load_fast(text) == data
    assert _disagreements([(1, text, data)]) == set()


@pytest.mark.parametrize("name", ["null", "true", "2026-11-01", "#1 店: 好", "- 列表", "'quoted'", "a\nb",
                                  "~", "0x1F", "1e3", "  spaced  ", "{x: y}", "&anchor", "*alias"])
def test_awkward_names_become_valid_files(empty_repo, capsys, name):
    sheet = _sheet(empty_repo / "s.xlsx", [[name, "李明", "13811112222", "2026/11/1", None]])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0, out
    [path] = snapshot(empty_repo)
    assert front(empty_repo, Path(path).stem)["name"] == name.strip()
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0


@pytest.mark.parametrize("module", ["values", "importer", "mapping", "table"])
def test_the_examples_in_the_docstrings_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"followup.transfer.{module}"))
    assert result.failed == 0


def test_with_a_rank_playbook_new_customers_regrade_the_others(empty_repo, capsys):
    """Pareto (S9) grades by share of all revenue: importing bigger customers moves the
    existing ones down, and the import re-grades them so that check still passes."""
    settings = empty_repo / "rules" / "followup.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "presets/s1-ae-tracking.yaml", "presets/s9-pareto-rfm.yaml"), encoding="utf-8")
    header = ("客户名称", "负责人", "电话", "登记日期", "近一年销售额")
    first = _sheet(empty_repo / "a.xlsx", [["甲方科技公司", "李明", "13811112222", "2026/11/1", 100000],
                                           ["乙方科技公司", "李明", "13811113333", "2026/11/1", 90000]],
                   header=header)
    assert run(capsys, "import", str(first), "--root", str(empty_repo), "--write")[0] == 0
    assert front(empty_repo, "jia-fang-ke-ji")["tier"] == "A"
    second = _sheet(empty_repo / "b.xlsx", [["丙方科技公司", "王芳", "13811114444", "2026/11/2", 5_000_000]],
                    header=header)
    code, out = run(capsys, "import", str(second), "--root", str(empty_repo), "--write")
    assert code == 0, out
    assert "已重新评级 2 个已有文件" in out
    assert front(empty_repo, "jia-fang-ke-ji")["tier"] != "A"
    assert main(["check", "--root", str(empty_repo), "--as-of", AS_OF]) == 0, capsys.readouterr().out


def test_the_mapping_survives_the_sheet_being_resaved_in_another_encoding(empty_repo, capsys):
    sheet = write_csv(empty_repo / "客户.csv", "utf-8")
    assert run(capsys, "import", str(sheet), "--root", str(empty_repo))[0] == 0
    assert "# 检测到的编码 / detected encoding: utf-8" in (empty_repo / "客户.mapping.yaml").read_text(
        encoding="utf-8")
    write_csv(sheet, "gb18030")  # someone opened it in old Excel and saved it again
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0 and "编码 gb18030" in out and "已新建 3 个客户文件" in out


def test_a_name_that_looks_like_an_impossible_date_is_imported_as_text(empty_repo, capsys):
    """``2026-02-30`` in a name cell: quoted in the file (it is no date), not an internal error."""
    sheet = _sheet(empty_repo / "s.xlsx", [["2026-02-30", "李明", "13811112222", "2026/11/1", None]])
    code, out = run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")
    assert code == 0, out
    (path,) = (empty_repo / "customers").glob("*.md")
    assert 'name: "2026-02-30"' in path.read_text(encoding="utf-8")
    code, out = run(capsys, "check", "--root", str(empty_repo))
    assert code == 0, out
