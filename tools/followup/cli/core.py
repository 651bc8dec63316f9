"""Core commands: check, grade, explain, list, samples."""

from __future__ import annotations

import datetime as dt
import difflib
import sys

from followup.checks import CHECKS, need_full_records, run_checks, selected, unknown
from followup.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_TOOL, Run, command, graded, parse_date, writes
from followup.cli.report import FORMATS, render
from followup.text import label, say

# explain, workspace and writer are imported by the commands that use them (see cli.py)


def _check_args(p):
    p.add_argument("--format", choices=FORMATS, default="human")
    p.add_argument("--only", help=f"comma-separated check families: {', '.join(CHECKS)}")
    p.add_argument("--base", metavar="REF", help="also judge the change against git REF")
    p.add_argument("--summary", metavar="FILE", help="with --base: write the change summary as Markdown")
    _cache_arg(p)


def _cache_arg(p):
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the cache (~/.cache/followup/ or $FOLLOWUP_CACHE_DIR)")


def _use_cache(run: Run) -> bool:
    """``--no-cache`` skips the parse cache (see followup/store/cache.py)."""
    return not getattr(run.args, "no_cache", False)


@command("check", "validate rules and customers; verify stored tier/due are fresh", _check_args)
def cmd_check(run: Run) -> int:
    only = run.args.only.split(",") if run.args.only else None
    strangers = unknown(only or [])
    if strangers:
        names, known = ", ".join(strangers), ", ".join(CHECKS)
        print(say("check.unknown_family", run.lang, names=names, known=known), file=sys.stderr)
        return EXIT_TOOL
    result_cache = None
    if not run.args.no_cache and not run.args.base:  # nothing changed: the last result stands
        from followup.store.cache import ResultCache
        from followup.store.layout import customer_file_names

        as_of = run.today()
        result_cache = ResultCache(run.root, (str(as_of), ",".join(f.name for f in selected(only))))
        hit = result_cache.lookup(lambda: customer_file_names(run.root))
        if hit is not None:
            problems, files = hit
            return _report_check(run, problems, files)
    # --base compares whole grades (reasons included) with the base: a full load
    from followup.store.workspace import locate

    ws = run.load(cache=_use_cache(run), lean=not run.args.base and not need_full_records(only))
    grades = graded(ws)
    problems = locate(ws.problems + run_checks(ws, grades, only), ws.sources)
    if result_cache is not None:
        result_cache.store(ws.stamps, ws.started_ns, (problems, len(ws.documents)))
    change = None
    if run.args.base:  # pull-request judgement: commands/team.py
        from followup.cli.team import base_judgement, finish_base_judgement

        change = base_judgement(run, ws, grades)
        if change is None:
            return EXIT_TOOL
        problems = locate(problems + change.problems, ws.sources)
    status = _report_check(run, problems, len(ws.documents))
    if change is not None:
        finish_base_judgement(run, ws, change, problems)
    return status


def _report_check(run: Run, problems: list, files: int) -> int:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = say("cli.check_summary", run.lang, files=files, errors=errors, warnings=warnings)
    run.print(render(problems, run.args.format, run.lang, run.out, summary))
    return EXIT_PROBLEMS if errors else EXIT_OK


def _grade_args(p):
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="show what would change")
    mode.add_argument("--write", action="store_true", help="write tier and due")
    p.add_argument("--check-only", action="store_true", help="exit 1 if any file would change")
    _cache_arg(p)


@command("grade", "recompute tiers and due dates; --diff shows, --write writes", _grade_args)
@writes(when=lambda args: args.write)
def cmd_grade(run: Run) -> int:
    from followup.store.changes import plan_grades, write_all

    ws = run.workspace(cache=_use_cache(run), lean=True)
    grades = graded(ws)
    broken = ws.erroneous_files()
    # every edit is proven before any file is touched: a file that cannot be is refused here
    result = plan_grades(ws, grades)
    for path, reason in result.refused:
        print(f"{path}: refused: {reason}", file=sys.stderr)
    for p in result.planned:
        if run.args.diff:
            run.out.writelines(difflib.unified_diff(
                p.edit.old.decode("utf-8-sig").splitlines(keepends=True),
                p.edit.new.decode("utf-8-sig").splitlines(keepends=True), f"a/{p.path}", f"b/{p.path}"))
        elif not run.args.write:
            c = p.grade.customer
            run.print(f"{p.path}: {c.stored_tier or '-'} → {p.grade.tier}, "
                      f"{c.stored_due or '-'} → {p.grade.due}")
    if run.args.write:
        write_all(ws, result)
        _report_partial(run, result)
    changed, unchanged = len(result.planned), result.unchanged
    refused = len(result.refused) + len(result.failed)
    skipped = len([p for p in grades if p in broken])
    run.print(say("cli.regraded" if run.args.write else "cli.to_regrade", run.lang, changed=changed,
                  unchanged=unchanged, skipped=skipped, refused=refused))
    if refused or skipped:
        return EXIT_PROBLEMS
    if changed and not run.args.write and run.args.check_only:
        return EXIT_PROBLEMS
    return EXIT_OK


def _report_partial(run: Run, result) -> None:
    """A write that failed part-way: which files now hold their new grade and which do not."""
    if not result.failed:
        return
    for path, exc in result.failed:
        print(say("grade.write_failed", run.lang, path=path, reason=exc.words(run.lang)), file=sys.stderr)
    print(say("grade.written_files", run.lang, n=len(result.written)) +
          "".join(f"\n  {path}" for path in result.written), file=sys.stderr)
    print(say("grade.unwritten_files", run.lang, n=len(result.not_written)) +
          "".join(f"\n  {path}" for path in result.not_written), file=sys.stderr)


@command("explain", "print a customer's grade and the reasons for it",
         lambda p: p.add_argument("id"))
def cmd_explain(run: Run) -> int:
    from followup.text.explain import explain_lines

    ws = run.workspace()
    grades = graded(ws)
    matches = [g for g in grades.values() if g.customer.id == run.args.id]
    if not matches:
        print(say("cli.no_customer", run.lang, id=run.args.id), file=sys.stderr)
        return EXIT_PROBLEMS
    for grade in matches:
        run.print("\n".join(explain_lines(grade, ws.rules.playbook, run.lang)))
    return EXIT_OK


@command("list", "customers per tier with their due dates")
def cmd_list(run: Run) -> int:
    ws = run.workspace()
    grades = graded(ws)
    driving = ws.rules.playbook.driving
    as_of = run.as_of(ws)
    for tier in driving.tiers:
        members = sorted((g for g in grades.values() if g.tier == tier.id),
                         key=lambda g: (g.due or dt.date.max, g.customer.id))
        run.print("\n" + say("cli.list_head", run.lang, tier=tier.id, label=label(tier.label, run.lang),
                              n=len(members)))
        for g in members:
            late = (as_of - g.due).days if g.due and g.due < as_of else 0
            flag = say("cli.list_overdue", run.lang, n=late) if late else ""
            owner = ws.rules.team.name_of(g.customer.owner)
            run.print(f"  {g.due}  {g.customer.name}({g.customer.id},{owner}){flag}")
    return EXIT_OK


@command("samples", "write the sample customers, dated relative to an anchor day",
         lambda p: p.add_argument("--anchor", type=parse_date,
                                  help="the day the samples treat as today"))
@writes()
def cmd_samples(run: Run) -> int:
    from followup.dev.samples import write_samples

    anchor = run.args.anchor or run.as_of()
    count = write_samples(run.root, anchor)
    run.print(f"wrote {count} sample customers anchored at {anchor}")
    return EXIT_OK


