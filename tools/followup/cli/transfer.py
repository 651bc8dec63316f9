"""Moving data in and out: ``import`` (sheet → customer files), ``export`` (customers →
sheet with 分类汇总) and ``feeds`` (one iCalendar feed per salesperson).

See docs/spreadsheet.md for the walkthrough a new team follows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from followup.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_TOOL, Run, command, graded, writes
from followup.cli.report import render
from followup.text import Words, say

SHOWN_PER_CODE = 20


# --- import ------------------------------------------------------------------------------


def _import_args(p):
    p.add_argument("file", help=".xlsx or .csv (UTF-8, UTF-8 with BOM, GBK/GB18030)")
    p.add_argument("--mapping", help="mapping file (default: <file>.mapping.yaml beside the sheet); "
                                     "written with a proposal if it does not exist")
    p.add_argument("--write", action="store_true", help="create the customer files (default: dry run)")
    p.add_argument("--sheet", help="worksheet name (xlsx; default: the first with data)")
    p.add_argument("--encoding", help="csv encoding (default: UTF-8, else GB18030)")
    p.add_argument("--default-owner", help="salesperson id for rows whose owner is empty or unknown")
    p.add_argument("--verbose", action="store_true", help="show every problem and every new file")


def mapping_path_for(sheet: Path) -> Path:
    return sheet.with_name(sheet.stem + ".mapping.yaml")


@command("import", "import customers from .xlsx/.csv (dry run unless --write)", _import_args)
@writes(when=lambda args: args.write)
def cmd_import(run: Run) -> int:
    from followup.store import atomic
    from followup.transfer.importer import plan_import, write_planned
    from followup.transfer.mapping import load_mapping, propose, render_mapping
    from followup.transfer.table import TableError, read_table

    ws = run.workspace()
    as_of = run.as_of(ws)
    sheet_path = Path(run.args.file)
    label = run.args.file
    facts = ws.rules.playbook.facts
    map_path = Path(run.args.mapping) if run.args.mapping else mapping_path_for(sheet_path)
    mapping, proposed = None, False
    if map_path.is_file():
        mapping, problems = load_mapping(map_path, facts, str(map_path))
        if mapping is None:
            run.print(render(problems, "human", run.lang, run.out))
            return EXIT_PROBLEMS
    sheet = run.args.sheet or (mapping.sheet if mapping and mapping.sheet else None)
    encoding = run.args.encoding or (mapping.encoding if mapping and mapping.encoding else None)
    try:
        table = read_table(sheet_path, sheet, encoding)
    except TableError as exc:
        exc.params.setdefault("sheet", label)
        from followup.problems import problem

        run.print(render([problem(exc.code, label, line=1, col=1, **exc.params)], "human",
                         run.lang, run.out))
        return EXIT_PROBLEMS
    if mapping is None:
        mapping = propose(table, facts, ws.rules.team)
        proposed = True
        try:
            atomic.write_output(map_path, render_mapping(mapping, sheet_path.name, facts).encode("utf-8"))
        except atomic.WriteFailed as exc:
            print(say("import.mapping_not_written", run.lang, error=exc), file=sys.stderr)
    plan = plan_import(ws, table, mapping, label, as_of, run.args.default_owner)
    _print_header(run, table, mapping, map_path, proposed)
    if run.args.write and plan.planned:
        write_planned(ws, plan)
    _print_problems(run, plan)
    _print_result(run, plan, ws.rules.team)
    return EXIT_PROBLEMS if plan.errors else EXIT_OK


def _print_header(run, table, mapping, map_path, proposed) -> None:
    t = Words(run.lang)
    where = []
    if table.kind == "xlsx":
        where.append(t("import.sheet", sheet=table.sheet))
    if table.encoding:
        where.append(t("import.encoding", encoding=table.encoding))
    where.append(t("import.header_row", row=mapping.header_row))
    run.print(t("import.reading", path=table.path, where=t("import.where_sep").join(where)))
    if proposed:
        run.print(t("import.mapping_proposed", path=map_path))
    else:
        run.print(t("import.mapping_from", path=map_path))
    for key, target in mapping.columns.items():
        run.print(f"  {key} → {target}")
    unknown = [raw for raw, pid in mapping.owners.items() if pid is None]
    if unknown:
        run.print(t("import.unknown_owners", owners=", ".join(unknown)))


def _print_problems(run, plan) -> None:
    shown: dict[str, int] = {}
    hidden = 0
    kept = []
    for p in plan.problems:
        shown[p.code] = shown.get(p.code, 0) + 1
        if run.args.verbose or shown[p.code] <= SHOWN_PER_CODE:
            kept.append(p)
        else:
            hidden += 1
    if kept:
        run.print(render(kept, "human", run.lang, run.out))
    if hidden:
        run.print(say("import.more_problems", run.lang, n=hidden))


def _print_result(run, plan, team) -> None:
    t = Words(run.lang)
    files = plan.created if run.args.write else [p.path for p in plan.planned]
    limit = None if run.args.verbose else 20
    by_path = {p.path: p for p in plan.planned}
    for path in files[:limit]:
        p = by_path[path]
        d = p.data
        log = len(d.get("log", []))
        owner = team.name_of(d["owner"])
        run.print(t("import.new_file", path=path, name=d["name"], owner=owner, tier=d.get("tier", "-"),
                    due=d.get("due", "-"), log=log))
    if limit is not None and len(files) > limit:
        run.print(t("import.more_files", n=len(files) - limit))
    if plan.merges:  # every one, never cut short: a wrong merge is the costliest mistake here
        run.print(t("import.merged_rows"))
        for row, path, kind, value in plan.merges:
            run.print(t("import.merged_row", row=row, path=path, kind=kind, value=value))
    invalid = len(plan.invalid_rows)
    head = (t("import.created", n=len(plan.created)) if run.args.write
            else t("import.dry_run", n=len(plan.planned)))
    merged = t("import.merged", n=plan.merged) if plan.merged else ""
    run.print(t("import.summary", head=head, rows=plan.total_rows, invalid=invalid,
                duplicates=plan.duplicates, merged=merged, existing=plan.existing, blank=plan.blank_rows))
    if run.args.write:
        run.print(t("import.regraded", n=plan.regraded))


# --- export ------------------------------------------------------------------------------


def _export_args(p):
    p.add_argument("out", help="output file: .xlsx (with a 分类汇总 sheet) or .csv (+ a totals .csv)")
    p.add_argument("--unmask", action="store_true",
                   help="write full phone numbers, emails and WeChat ids (masked by default)")
    p.add_argument("--owner", help="only this salesperson's customers")
    p.add_argument("--encoding", default="utf-8-sig",
                   help="csv encoding (default utf-8-sig, which Excel opens; gb18030 for old Excel)")


@command("export", "export customers to .xlsx/.csv with totals per tier and owner", _export_args)
def cmd_export(run: Run) -> int:
    from followup.transfer.exporter import export

    ws = run.workspace()
    grades = graded(ws)
    out = Path(run.args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        print(say("export.bad_suffix", run.lang), file=sys.stderr)
        return EXIT_TOOL
    if run.args.owner and run.args.owner not in ws.rules.team.people:
        print(say("export.unknown_owner", run.lang, owner=run.args.owner), file=sys.stderr)
        return EXIT_TOOL
    written = export(ws, grades, out, run.as_of(ws), lang=run.lang, unmask=run.args.unmask,
                     owner=run.args.owner, encoding=run.args.encoding)
    for path, rows in written:
        run.print(say("export.wrote_rows", run.lang, path=path, rows=rows))
    if not run.args.unmask:
        run.print(say("export.masked", run.lang))
    return EXIT_OK


# --- feeds -------------------------------------------------------------------------------


def _feeds_args(p):
    p.add_argument("--out", required=True, help="folder for the <salesperson-id>.ics files")


@command("feeds", "write one iCalendar (.ics) feed of follow-ups per salesperson", _feeds_args)
def cmd_feeds(run: Run) -> int:
    from followup.transfer.feeds import write_feeds

    ws = run.workspace()
    written = write_feeds(ws, graded(ws), Path(run.args.out), run.as_of(ws))
    for path in written:
        run.print(say("feeds.wrote", run.lang, path=path))
    return EXIT_OK
