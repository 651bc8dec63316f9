"""The ``followup`` command line: a thin edge over the pure core.

Exit codes (documented in README): 0 clean, 1 problems found, 2 the tool could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import sys
import traceback
from pathlib import Path

from followup import __version__
from followup.store.layout import NotARepository, find_root
from followup.text import language

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (5 ms a run)
if TYPE_CHECKING:
    from followup.store.workspace import Workspace

# The readers (workspace, grading and what they import) are imported where a command needs
# them: a `check` answered from its stored result never does, and imports are most of its time.

EXIT_OK, EXIT_PROBLEMS, EXIT_TOOL = 0, 1, 2
COMMANDS = {}

# The module of each command, so that running one command imports only its module and
# builds only its parser (importing them all and building every parser is ~40 ms, a sixth
# of a warm ``check``). ``followup --help``, an unknown command or one missing here imports
# every module; ``tests/test_smoke.py`` holds ``WHERE`` to what the modules register.
WHERE = {
    "check": "core", "grade": "core", "explain": "core", "list": "core", "samples": "core",
    "today": "board", "board": "board", "serve": "board",
    "new": "team", "log": "team", "reassign": "team", "archive": "team", "recycle": "team",
    "codeowners": "team",
    "import": "transfer", "export": "transfer", "feeds": "transfer",
    "bench": "bench",
}


def command(name: str, help_text: str, arguments=None):
    """Register a sub-command. ``arguments(parser)`` adds its own options.

    A feature adds a command by adding a module to ``followup/cli/`` and its commands to
    ``WHERE`` (which ``tests/test_smoke.py`` checks); nothing else changes.
    """

    def register(fn):
        COMMANDS[name] = (fn, help_text, arguments)
        return fn

    return register


def writes(when=None):
    """The command writes in the repository: it runs holding the repository's write lock
    (:mod:`followup.store.atomic`), taken before it reads anything, so what it reads is what
    it replaces. ``when(args)``: only then (``grade --write``, not ``grade --diff``)."""

    def wrap(fn):
        @functools.wraps(fn)  # the command's own module, as WHERE names it
        def locked_command(run):
            if when is not None and not when(run.args):
                return fn(run)
            from followup.store.atomic import locked

            with locked(run.root):
                return fn(run)

        return locked_command

    return wrap


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


class RulesBroken(Exception):
    """The rules cannot be read, so nothing can be graded: report their problems, exit 1."""

    def __init__(self, workspace: Workspace):
        super().__init__("rules")
        self.workspace = workspace


class Run:
    """What every command needs: the repository, language, as-of date and output."""

    def __init__(self, args):
        self.args = args
        self.root = find_root(Path(args.root) if args.root else None)
        self.lang = language(args.lang)
        self._as_of = args.as_of
        self.out = sys.stdout

    def as_of(self, ws: Workspace | None = None) -> dt.date:
        if self._as_of:
            return self._as_of
        if ws and ws.as_of:
            return ws.as_of
        return dt.date.today()

    def today(self) -> dt.date:
        """``--as-of``, else today in the calendar's time zone, fixed for the whole run."""
        if self._as_of is None:
            from followup.rules.load import load_rules

            rules, _ = load_rules(self.root)
            self._as_of = rules.calendar.today() if rules else dt.date.today()
        return self._as_of

    def load(self, cache: bool = True, lean: bool = False) -> Workspace:
        """The repository as it is, broken rules included (``check`` reports them).
        ``lean``: records without free text, graded while read (``load_workspace``)."""
        from followup.store.workspace import load_workspace

        return load_workspace(self.root, as_of=self._as_of, cache=cache, lean=lean)

    def workspace(self, cache: bool = True, lean: bool = False) -> Workspace:
        """The loaded repository, for commands that need working rules (raises RulesBroken)."""
        ws = self.load(cache, lean)
        if ws.rules is None:
            raise RulesBroken(ws)
        return ws

    def print(self, text: str = "") -> None:
        print(text, file=self.out)


def graded(ws: Workspace):
    return ws.graded()


def _import_commands(name: str | None = None) -> None:
    """The module of command ``name`` (``WHERE``), or every command module."""
    import importlib

    modules = [WHERE[name]] if name in WHERE else sorted(set(WHERE.values()), key=_module_order)
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")


def _module_order(module: str) -> tuple:
    """The core commands first, so `followup --help` reads check, grade, explain, …"""
    return module != "core", module


def build_parser(name: str | None = None) -> argparse.ArgumentParser:
    """The parser for command ``name`` (and whatever else its module registers), or for all."""
    _import_commands(name)
    parser = argparse.ArgumentParser(prog="followup", description="customer follow-up in Git")
    parser.add_argument("--version", action="version", version=__version__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", help="repository folder (default: search upwards from here)")
    common.add_argument("--lang", choices=("zh", "en"), help="language (default zh, or FOLLOWUP_LANG)")
    common.add_argument("--as-of", type=parse_date, help="judge as of this date (default today)")
    # every command's name, loaded or not, in the order `followup --help` lists them
    names = sorted(WHERE, key=lambda n: _module_order(WHERE[n]))
    sub = parser.add_subparsers(dest="command", required=True, metavar="{" + ",".join(names) + "}")
    for name, (fn, help_text, arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, parents=[common])
        p.set_defaults(handler=fn)
        if arguments:
            arguments(p)
    return parser


def _undecodable(args) -> str | None:
    """The name of an argument whose text is not UTF-8 (the OS hands such bytes to Python as
    surrogate escapes; writing them into a file or a terminal would fail later)."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return name.replace("_", "-")
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    first = argv[0] if argv and not argv[0].startswith("-") else None
    parser = build_parser(first)
    args = parser.parse_args(argv)
    bad = _undecodable(args)
    if bad:
        print(f"followup: 参数 --{bad} 不是有效的 UTF-8 文本,请检查终端编码后重试\n"
              f"followup: the argument --{bad} is not valid UTF-8 text; check your terminal's "
              "encoding and try again", file=sys.stderr)
        return EXIT_TOOL
    try:
        run = Run(args)
        return args.handler(run)
    except NotARepository as exc:
        print(f"followup: 这里不是 followup 仓库(找不到 rules/ 和 customers/):{exc}\n"
              f"followup: not a followup repository (no rules/ and customers/ above {exc})",
              file=sys.stderr)
        return EXIT_TOOL
    except RulesBroken as exc:
        from followup.cli.report import render
        from followup.store.workspace import locate

        ws = exc.workspace
        print(render(locate(ws.problems, ws.sources), "human", language(args.lang), sys.stdout))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return EXIT_TOOL
    except OSError as exc:  # the machine, not followup: a full disk, a read-only folder, a lost mount
        where = exc.filename or ""
        print(f"followup: 无法读写 {where}:{exc.strerror or exc}(检查权限、磁盘空间和路径)\n"
              f"followup: cannot read or write {where}: {exc.strerror or exc} "
              "(check permissions, free space and the path)", file=sys.stderr)
        return EXIT_TOOL
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        from followup.store.atomic import WriteRefused

        if isinstance(exc, WriteRefused):  # disk full, read-only, the lock held too long, …
            print(f"followup: {exc.path}: {exc.words(language(args.lang))}", file=sys.stderr)
            return EXIT_PROBLEMS
        if os.environ.get("FOLLOWUP_DEBUG"):
            traceback.print_exc()
        print(f"followup: internal error: {type(exc).__name__}: {exc}\n"
              "followup: please report it; set FOLLOWUP_DEBUG=1 to see the details", file=sys.stderr)
        return EXIT_TOOL
