"""Board commands: ``today`` (the call list), ``board`` (generate and build), ``serve``."""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from followup.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_TOOL, Run, command, graded
from followup.text import problem_text, say


def _board_lang(run: Run, ws) -> str:
    if run.args.lang:
        return run.lang
    return ws.rules.settings.language if ws.rules else run.lang


# --- followup today -----------------------------------------------------------------------


def _today_args(p):
    p.add_argument("--owner", help="only this salesperson's list (id from rules/team.yaml)")
    p.add_argument("--days", type=int, default=1, help="plan this many work days ahead (default 1)")


@command(
    "today",
    "the call list: due and overdue customers per salesperson, by priority, within daily capacity",
    _today_args,
)
def cmd_today(run: Run) -> int:
    from followup.engine.calllist import plan

    ws = run.workspace()
    owner = run.args.owner
    if owner and owner not in ws.rules.team.people:
        print(say("cli.no_salesperson", run.lang, owner=owner), file=sys.stderr)
        return EXIT_PROBLEMS
    grades = graded(ws)
    as_of = run.as_of(ws)
    from followup.engine.alerts import recycle_alerts

    recycling = {a.grade.customer.path: a.since for a in recycle_alerts(ws, grades, as_of)}
    plans = plan(
        grades,
        ws.rules.playbook,
        ws.rules.team,
        ws.rules.calendar,
        as_of,
        max(1, run.args.days),
        owner,
        run.lang,
    )
    for who, days in plans.items():
        if not any(d.calls or d.rolled for d in days) and not owner:
            continue
        name = ws.rules.team.name_of(who)
        for day in days:
            run.print("\n" + say("cli.today_head", run.lang, name=name, who=who, day=day.day,
                                  n=len(day.calls), cap=day.capacity))
            for n, item in enumerate(day.calls, 1):
                late = item.overdue_days(day.day)
                flag = say("cli.overdue_flag", run.lang, n=late) if late else ""
                reason = f" [{item.reason}]" if item.reason else ""
                if item.customer.path in recycling:
                    when = recycling[item.customer.path]
                    reason += say("cli.recycle_flag", run.lang, when=when)
                run.print(
                    f"  {n:>3}. {item.grade.tier} {item.customer.name}({item.customer.id})"
                    f" {item.due}{flag}{reason}"
                )
            if day.rolled and len(days) == 1:
                run.print(say("cli.rolled", run.lang, n=len(day.rolled), day=day.rolled_to))
    return EXIT_OK


# --- followup board / serve ---------------------------------------------------------------


def _generate(run: Run, root: Path, jobs: int | None = None):
    from followup.board import generate

    ws = run.workspace()
    grades = graded(ws)
    lang = _board_lang(run, ws)
    counts = generate(ws, grades, run.as_of(ws), lang, root / "site_src", jobs)
    return ws, lang, counts


def _fail(run: Run, detail: str) -> int:
    from followup import board  # noqa: F401  (registers FU602/FU603)

    message, hint = problem_text("FU602", {"detail": detail}, run.lang)
    print(f"followup: FU602 {message} — {hint}", file=sys.stderr)
    return EXIT_TOOL


def _log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_followup", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
        handler._followup = True
        logger.addHandler(handler)


def _board_args(p):
    p.add_argument("--no-build", action="store_true", help="only generate the pages")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes to write and build the pages with (default: one per core once the board "
                        "has a few hundred customers; 1: a single plain MkDocs build)")


@command(
    "board",
    "generate the board's pages into site_src/ and build the site into site/ (MkDocs)",
    _board_args,
)
def cmd_board(run: Run) -> int:
    from followup.board import build
    from followup.engine import alerts  # noqa: F401  (registers the board's problem codes)

    if not run.args.no_build and not (run.root / "mkdocs.yml").is_file():
        return _fail(run, f"{run.root / 'mkdocs.yml'} not found")
    started = time.perf_counter()
    jobs = max(1, run.args.jobs) if run.args.jobs is not None else None
    ws, lang, counts = _generate(run, run.root, jobs)
    run.print(say("cli.generated", run.lang, **counts))
    if run.args.no_build:
        return EXIT_OK
    _log_to_stderr()
    try:
        build(run.root, ws, lang, jobs)
    except Exception as exc:  # mkdocs raises Abort/ConfigurationError with the reason
        return _fail(run, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    run.print(say("cli.built", run.lang, seconds=f"{seconds:.1f}"))
    return EXIT_OK


def _serve_args(p):
    p.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")


def _stamp(root: Path) -> tuple:
    """What the pages depend on: every customer and rules file's name, size and mtime."""
    files = []
    for folder in ("customers", "rules"):
        base = root / folder
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file():
                    st = path.stat()
                    files.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(sorted(files))


def _watch_records(run: Run, stop: threading.Event, interval: float = 1.0) -> None:
    """Regenerate site_src/ when a record or rule changes; mkdocs serve then rebuilds."""
    last = _stamp(run.root)
    while not stop.wait(interval):
        current = _stamp(run.root)
        if current == last:
            continue
        last = current
        try:
            ws = run.load()
            if ws.rules is not None:
                from followup.board import generate

                # jobs=1: no worker processes forked from this thread while the server's run
                generate(ws, graded(ws), run.as_of(ws), _board_lang(run, ws), run.root / "site_src", jobs=1)
        except Exception as exc:  # keep serving; the next change may fix it
            print(f"followup serve: {type(exc).__name__}: {exc}", file=sys.stderr)


@command("serve", "generate the board and serve it locally with live rebuild (mkdocs serve)", _serve_args)
def cmd_serve(run: Run) -> int:
    from mkdocs.commands.serve import serve

    from followup.board import mkdocs_config  # noqa: F401  (fails early if mkdocs is missing)

    if not (run.root / "mkdocs.yml").is_file():
        return _fail(run, f"{run.root / 'mkdocs.yml'} not found")
    ws, lang, _counts = _generate(run, run.root)
    _log_to_stderr()
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_records, args=(run, stop), daemon=True)
    watcher.start()
    from followup.board import overrides

    run.print(say("cli.serving", run.lang, addr=run.args.addr))
    try:
        serve(
            str(run.root / "mkdocs.yml"),
            livereload=True,
            dev_addr=run.args.addr,
            **overrides(run.root, ws, lang),
        )
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        return _fail(run, f"{type(exc).__name__}: {exc}")
    finally:
        stop.set()
    return EXIT_OK
