"""Export: one row per customer, the 分类汇总 sheet, masking, and the round trip
import → export → re-import that must create and change nothing."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import load_workbook

from followup.cli import main
from test_import import AS_OF, example_sheet, run, snapshot, write_csv


@pytest.fixture
def imported(empty_repo, capsys):
    sheet = example_sheet(empty_repo / "客户表.xlsx")
    assert run(capsys, "import", str(sheet), "--root", str(empty_repo), "--write")[0] == 0
    return empty_repo


def test_xlsx_export_has_a_row_per_customer_and_the_totals_sheet(imported, capsys):
    out = imported / "out" / "客户.xlsx"
    code, text = run(capsys, "export", str(out), "--root", str(imported))
    assert code == 0 and "已打码" in text
    book = load_workbook(out)
    assert book.sheetnames == ["客户", "分类汇总"]
    rows = list(book["客户"].iter_rows(values_only=True))
    assert rows[0][:6] == ("编号", "客户名称", "负责人", "等级", "下次跟进", "阶段")
    by_id = {r[0]: r for r in rows[1:]}
    assert len(by_id) == 6
    hengtong = by_id["shang-hai-heng-tong-mao-yi"]
    assert hengtong[1:4] == ("上海恒通贸易有限公司", "李明", "A")
    assert hengtong[6] == 120000 and hengtong[7].date() == dt.date(2026, 11, 3)
    assert hengtong[11] == "138****5678" and hengtong[12] == "w***@hengtong.example"
    assert all("*" in r[11] for r in rows[1:] if r[11])

    totals = [list(r) for r in book["分类汇总"].iter_rows(values_only=True)]
    tier_rows = {r[0]: r for r in totals if r and r[0] in ("A", "B", "C", "D", "E")}
    assert sum(r[2] for r in tier_rows.values()) == 6
    assert tier_rows["A"][2] == sum(1 for r in rows[1:] if r[3] == "A")
    owner_header = next(i for i, r in enumerate(totals) if r and r[0] == "负责人")
    owner_rows = totals[owner_header + 1: owner_header + 5]
    assert [r[0] for r in owner_rows] == ["陈静", "李明", "刘洋", "王芳"]
    assert totals[owner_header + 5][0] == "合计" and totals[owner_header + 5][6] == 6
    value_total = next(r for r in totals if r and r[0] == "合计")[4]
    assert value_total == 120000 + 80000 + 50000 + 35000 + 200000


def test_phones_are_written_in_full_only_with_the_flag(imported, capsys):
    out = imported / "full.csv"
    assert run(capsys, "export", str(out), "--root", str(imported), "--unmask")[0] == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    phones = {r[0]: r[11] for r in rows[1:]}
    assert phones["shang-hai-heng-tong-mao-yi"] == "13812345678"
    assert (imported / "full-分类汇总.csv").is_file()


def test_csv_export_in_gb18030_for_old_excel(imported, capsys):
    out = imported / "old.csv"
    assert run(capsys, "export", str(out), "--root", str(imported), "--encoding", "gb18030")[0] == 0
    assert out.read_bytes().decode("gb18030").startswith("编号,客户名称")


def test_owner_filter(imported, capsys):
    out = imported / "li.csv"
    assert run(capsys, "export", str(out), "--root", str(imported), "--owner", "li-ming")[0] == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert {r[2] for r in rows[1:]} == {"李明"} and len(rows) == 3


@pytest.mark.parametrize("suffix, unmask", [(".xlsx", False), (".csv", False), (".xlsx", True)])
def test_import_export_reimport_is_stable(imported, capsys, suffix, unmask):
    root = str(imported)
    before = snapshot(imported)
    out = imported / f"export{suffix}"
    assert run(capsys, "export", str(out), "--root", root, *(["--unmask"] if unmask else []))[0] == 0
    code, text = run(capsys, "import", str(out), "--root", root, "--write")
    assert code == 0, text
    assert "已新建 0 个客户文件" in text and "已存在 6 行" in text
    assert snapshot(imported) == before
    assert main(["check", "--root", root, "--as-of", AS_OF]) == 0


def test_an_export_moves_customers_to_a_fresh_repository(imported, tmp_path, capsys):
    """The export is also a sheet: imported into an empty repository it recreates the
    customers (ids, owners, stages, values), and check passes there."""
    from conftest import make_repo

    out = imported / "all.xlsx"
    assert run(capsys, "export", str(out), "--root", str(imported), "--unmask")[0] == 0
    fresh = make_repo(tmp_path / "fresh", with_samples=False)
    code, text = run(capsys, "import", str(out), "--root", str(fresh), "--write")
    assert code == 0, text
    assert sorted(snapshot(fresh)) == sorted(snapshot(imported))
    assert main(["check", "--root", str(fresh), "--as-of", AS_OF]) == 0


def test_csv_import_then_export_round_trip(empty_repo, capsys):
    root = str(empty_repo)
    sheet = write_csv(empty_repo / "客户.csv", "gbk")
    assert run(capsys, "import", str(sheet), "--root", root, "--write")[0] == 0
    before = snapshot(empty_repo)
    out = empty_repo / "back.csv"
    assert run(capsys, "export", str(out), "--root", root)[0] == 0
    assert run(capsys, "import", str(out), "--root", root, "--write")[0] == 0
    assert snapshot(empty_repo) == before


def test_archived_customers_are_listed_but_not_counted(imported, capsys):
    root = str(imported)
    assert main(["archive", "zhang-wei", "--root", root, "--as-of", AS_OF, "--reason", "无需求"]) == 0
    capsys.readouterr()
    out = imported / "a.xlsx"
    assert run(capsys, "export", str(out), "--root", root)[0] == 0
    book = load_workbook(out)
    rows = {r[0]: r for r in book["客户"].iter_rows(values_only=True)}
    assert rows["zhang-wei"][15].date() == dt.date(2026, 11, 22)
    totals = [list(r) for r in book["分类汇总"].iter_rows(values_only=True)]
    assert next(r for r in totals if r and r[0] == "合计")[2] == 5
    assert totals[-1][:2] == ["已归档(不计入上表)", 1]


def test_english_export_reimports_as_already_there(imported, capsys):
    root = str(imported)
    before = snapshot(imported)
    out = imported / "customers-en.xlsx"
    assert main(["export", str(out), "--root", root, "--as-of", AS_OF, "--lang", "en"]) == 0
    assert load_workbook(out).sheetnames == ["customers", "totals"]
    capsys.readouterr()
    assert main(["import", str(out), "--root", root, "--write", "--as-of", AS_OF, "--lang", "en"]) == 0
    out_text = capsys.readouterr().out
    assert "created 0 customer files" in out_text and "6 already customers" in out_text
    assert snapshot(imported) == before
