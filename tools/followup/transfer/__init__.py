"""Moving between spreadsheets and customer files: import, export (see docs/spreadsheet.md).

- :mod:`.table` reads a ``.xlsx`` or ``.csv`` (UTF-8, UTF-8 with BOM, GBK/GB18030) into
  rows of cells, filling merged cells and finding the header row;
- :mod:`.values` turns cells into dates, numbers, phones and dated follow-ups;
- :mod:`.mapping` proposes which column means what and reads/writes the editable
  mapping file;
- :mod:`.importer` plans customer files from rows (dry run), finds duplicates and
  writes new files through :func:`followup.store.atomic.create`;
- :mod:`.exporter` writes customers and the 分类汇总 (totals) back to a sheet.
"""
