"""Read a sheet into rows of cells, whatever Excel or WPS wrote.

``.xlsx`` is read with openpyxl (not in read-only mode: merged cells need the
full model). Every merged range is filled with its top-left value, so a
salesperson's name merged down over five customers belongs to all five, and a
group header merged over several columns (``联系人`` over ``姓名 | 电话``) is
available to name the columns under it.

``.csv`` is decoded as UTF-8 (with or without BOM) and, failing that, as
GB18030 — a superset of GBK and GB2312, which is what Chinese Excel writes when it
saves "CSV (逗号分隔)". The encoding used is reported.

The header row is the row among the first :data:`HEADER_SCAN` that names the most
known columns; rows above it (a title merged across the sheet) are ignored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

HEADER_SCAN = 15


class TableError(Exception):
    """The file cannot be read as a sheet at all. ``code`` is an FU8xx problem code."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Table:
    path: Path
    kind: str  # "xlsx" or "csv"
    rows: list[list]  # row i is sheet row i + 1
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    encoding: str = ""
    merged_from: dict = field(default_factory=dict)  # (row, col) 1-based -> anchor (row, col)

    def cell(self, row: int, col: int):
        """1-based, like the sheet."""
        if row < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if 1 <= col <= len(values) else None

    def group_header(self, row: int, col: int) -> str:
        """The text of a horizontally merged cell above ``(row, col)``, if any."""
        anchor = self.merged_from.get((row, col))
        if anchor is None or anchor[0] != row:
            return ""
        width = sum(1 for (r, _c), a in self.merged_from.items() if a == anchor and r == row)
        value = self.cell(*anchor)
        return "" if width < 2 or value is None else str(value)


def read_table(path: Path, sheet: str | None = None, encoding: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError("FU801", sheet=str(path), reason="missing")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding)
    raise TableError("FU801", sheet=str(path), reason="format")


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError("FU801", sheet=str(path), reason=f"xlsx: {exc}") from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise TableError("FU801", sheet=str(path), reason=f"sheet {sheet!r} not in {names}")
    ws = book[sheet] if sheet is not None else _first_with_data(book)
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    merged_from = {}
    for rng in ws.merged_cells.ranges:
        anchor = (rng.min_row, rng.min_col)
        value = ws.cell(*anchor).value
        for r in range(rng.min_row, rng.max_row + 1):
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            for c in range(rng.min_col, rng.max_col + 1):
                while len(row) < c:
                    row.append(None)
                row[c - 1] = value
                merged_from[(r, c)] = anchor
    book.close()
    return Table(path, "xlsx", rows, sheet=ws.title, sheets=names, merged_from=merged_from)


def _first_with_data(book):
    for ws in book.worksheets:
        if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
            return ws
    return book.worksheets[0]


ENCODINGS = ("utf-8-sig", "gb18030")


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding name)``: the given encoding, else UTF-8 (BOM or not), else GB18030."""
    if encoding:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            encoding = "utf-8-sig"  # the same, but a BOM is not read as part of the first header
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise TableError("FU801", sheet="", reason=f"{encoding}: {exc}") from None
    for name in ENCODINGS:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8-sig":
            return text, "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text, name
    raise TableError("FU801", sheet="", reason="encoding")


def _read_csv(path: Path, encoding: str | None) -> Table:
    try:
        text, used = decode(path.read_bytes(), encoding)
    except TableError as exc:
        exc.params["sheet"] = str(path)
        raise
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    rows = [[None if v == "" else v for v in r] for r in rows]
    return Table(path, "csv", rows, encoding=used)
