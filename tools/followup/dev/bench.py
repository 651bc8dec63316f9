"""The benchmark: ``followup bench`` (see docs/performance.md).

For each corpus size (default 1k, 10k, 100k generated customers, see
:mod:`followup.dev.benchgen`) it measures, in one run and on one machine:

* **baseline** -- the naive reader: every file loaded with python-frontmatter's
  defaults (``frontmatter.load``) and validated one by one with ``parse_customer``;
* **check cold** -- ``followup check`` with an empty cache folder;
* **check --no-cache** -- the same without reading or writing the cache;
* **check warm** -- again, nothing changed;
* **check warm, 1% changed** -- after editing the notes of 1% of the files;
* **grade --write, 1% stale** -- after appending a follow-up to 1% of the files;
* **board** -- ``followup board`` (generate pages and build the MkDocs site), when the
  command exists, up to ``--board-max`` customers.

Every figure is the median wall time of ``--runs`` runs of a fresh process (fewer
at 100k), with the peak resident memory of that process and its workers
(``os.wait4``). The ratio column is baseline time / figure, so "8.0x" means eight
times faster than the baseline measured in the same run. The baseline, the cold check
and ``--no-cache`` take turns, one run of each per round, so a shared machine that gets
busier or quieter during the run weighs on all three alike.

The tool's source is copied into the work folder first and every command runs
from that copy, so edits in the checkout during a long run cannot change what is
measured (and cannot invalidate the cache, which is keyed by the tool's files).
"""

from __future__ import annotations

import compileall
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from followup.dev import benchgen

ANCHOR = dt.date(2026, 11, 22)
MARK_BEGIN = "<!-- bench:begin -->"
MARK_END = "<!-- bench:end -->"


@dataclass
class Figure:
    case: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


@dataclass
class Result:
    size: int
    files_kb: float
    generate_s: float
    figures: list[Figure] = field(default_factory=list)

    def get(self, case: str) -> Figure | None:
        return next((f for f in self.figures if f.case == case), None)


BASELINE_SCRIPT = """
import sys, datetime as dt
from pathlib import Path
import frontmatter
from followup.engine.records import parse_customer
from followup.rules.load import load_rules
from followup.store.workspace import customer_files
root = Path(sys.argv[1]); as_of = dt.date.fromisoformat(sys.argv[2])
rules, _ = load_rules(root)
problems = 0
for path in customer_files(root):
    post = frontmatter.load(path)
    rel = path.relative_to(root).as_posix()
    customer, found = parse_customer(post.metadata, rel, rules.playbook, rules.team, as_of)
    problems += len(found)
print(problems)
"""


GENERATE_SCRIPT = """
import sys, datetime as dt
from pathlib import Path
from followup.dev.benchgen import generate
generate(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), dt.date.fromisoformat(sys.argv[4]))
"""


def snapshot_code(work: Path) -> Path:
    """Copy the package being measured; return the folder to put on PYTHONPATH."""
    package = Path(__file__).resolve().parent.parent  # the whole followup package
    code = work / "code"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(package, code / "followup", ignore=shutil.ignore_patterns("__pycache__"))
    # bytecode, as an installed tool has it: otherwise, where PYTHONDONTWRITEBYTECODE is set
    # (CI images often set it), every measured run would compile ~30 modules (~0.12 s)
    compileall.compile_dir(code, quiet=1)
    return code


def timed(argv: list[str], env: dict, cwd: Path) -> tuple[float, float, int]:
    """Run ``argv``; return (wall seconds, peak RSS in MB of it and its children, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, proc.returncode


class Bench:
    def __init__(self, work: Path, runs: int, board_max: int, log=print):
        self.work = work
        self.runs = runs
        self.board_max = board_max
        self.log = log
        self.code = snapshot_code(work)
        self.env = {**os.environ, "PYTHONPATH": str(self.code), "FOLLOWUP_LANG": "zh"}
        self.env.pop("FOLLOWUP_CACHE_DIR", None)
        # the cache's default place (the user's cache folder), inside the work folder
        self.cache_home = work / "cache-home"
        self.env["XDG_CACHE_HOME"] = str(self.cache_home)
        self.python = sys.executable
        self.has_board = (self.code / "followup" / "commands" / "board.py").is_file()

    def followup(self, root: Path, *args: str) -> list[str]:
        return [self.python, "-m", "followup", *args, "--root", str(root), "--as-of", str(ANCHOR)]

    def measure(self, figure: Figure, argv: list[str], root: Path, before=None, runs=None) -> Figure:
        return self.measure_rounds([(figure, argv, before)], root, runs)[0]

    def measure_rounds(self, cases: list[tuple], root: Path, runs=None) -> list[Figure]:
        """Run each ``(figure, argv, before)`` once per round, the cases taking turns: a
        shared machine that gets busier or quieter during the run then weighs on all of
        them alike, so the ratios between them stay fair."""
        for i in range(runs or self.runs):
            for figure, argv, before in cases:
                if before:
                    before(i)
                seconds, peak, _ = timed(argv, self.env, root)
                figure.seconds.append(seconds)
                figure.peak_mb.append(peak)
        for figure, _, _ in cases:
            runs_text = ", ".join(f"{s:.2f}" for s in figure.seconds)
            self.log(f"    {figure.case:<28} {figure.median:8.2f} s  {figure.peak:7.0f} MB  "
                     f"(runs: {runs_text})")
        return [figure for figure, _, _ in cases]

    def run_size(self, size: int, source: Path) -> Result:
        root = self.work / f"corpus-{size}"
        self.log(f"== {size:,} customers: generating into {root}")
        started = time.perf_counter()
        # in a child process: the generator's memory must not inflate this process, whose
        # size every measured command would otherwise inherit in its peak RSS at fork time
        subprocess.run([self.python, "-c", GENERATE_SCRIPT, str(root), str(size), str(source),
                        str(ANCHOR)], env=self.env, check=True)
        for extra in ("mkdocs.yml", "site_src"):
            src = source / extra
            if src.is_dir():
                shutil.copytree(src, root / extra, ignore=shutil.ignore_patterns("generated"))
            elif src.is_file():
                shutil.copy2(src, root / extra)
        generate_s = time.perf_counter() - started
        paths = benchgen.customer_paths(root)
        kb = sum(p.stat().st_size for p in paths[:2000]) / min(len(paths), 2000) / 1024
        result = Result(size, kb, generate_s)
        self.log(f"    generated in {generate_s:.1f} s, {kb:.1f} KB per file")
        time.sleep(2.5)  # let every file's mtime age past the cache's racy window
        big = size >= 50_000
        runs = 1 if big else self.runs

        def clear(_i):
            shutil.rmtree(self.cache_home, ignore_errors=True)

        baseline = [self.python, "-c", BASELINE_SCRIPT, str(root), str(ANCHOR)]
        result.figures += self.measure_rounds([
            (Figure("baseline (frontmatter)"), baseline, None),
            (Figure("check cold"), self.followup(root, "check"), clear),
            (Figure("check --no-cache"), self.followup(root, "check", "--no-cache"), None),
        ], root, runs)
        subprocess.run(self.followup(root, "check"), env=self.env, cwd=root, stdout=subprocess.DEVNULL,
                       check=False)
        result.figures.append(self.measure(Figure("check warm"), self.followup(root, "check"), root,
                                           runs=max(runs, 3)))
        one_percent = max(1, size // 100)
        stride = max(1, len(paths) // one_percent)

        def change(i):
            subprocess.run(self.followup(root, "check"), env=self.env, cwd=root,
                           stdout=subprocess.DEVNULL, check=False)  # warm the cache first
            for path in paths[i::stride][:one_percent]:
                benchgen.touch_body(path, f"bench {i}")

        result.figures.append(self.measure(Figure("check warm, 1% changed"),
                                           self.followup(root, "check"), root, before=change, runs=runs))

        def stale(i):
            for path in paths[(i + 7) % stride::stride][:one_percent]:
                benchgen.make_stale(path)

        result.figures.append(self.measure(Figure("grade --write, 1% stale"),
                                           self.followup(root, "grade", "--write"), root,
                                           before=stale, runs=runs))
        if self.has_board and size <= self.board_max and (root / "mkdocs.yml").is_file():
            result.figures.append(self.measure(Figure("board (generate + mkdocs build)"),
                                               self.followup(root, "board"), root, runs=1))
        elif self.has_board:
            note = (f"not run above {self.board_max:,} customers" if self.board_max
                    else "not run (--board-max 0)")
            result.figures.append(Figure("board (generate + mkdocs build)", note=note))
        return result


def table(results: list[Result]) -> str:
    """The Markdown table: one row per size and case."""
    lines = ["| customers | case | median s | runs | peak MB | vs baseline |",
             "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        base = r.get("baseline (frontmatter)")
        for f in r.figures:
            if not f.seconds:
                lines.append(f"| {r.size:,} | {f.case} | – | 0 | – | {f.note} |")
                continue
            ratio = "1.0×" if f is base else (
                f"{base.median / f.median:.1f}× faster"
                if base and f.median and not f.case.startswith("board") else "")
            lines.append(f"| {r.size:,} | {f.case} | {f.median:.2f} | {len(f.seconds)} | "
                         f"{f.peak:.0f} | {ratio} |")
    return "\n".join(lines)


def context_lines(results: list[Result]) -> str:
    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    sizes = ", ".join(f"{r.size:,}: {r.files_kb:.1f} KB/file, generated in {r.generate_s:.0f} s"
                      for r in results)
    return (f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {cpus} cores, "
            f"Python {sys.version.split()[0]}, load average {load:.1f} at the end. Corpora: {sizes}.")


def write_docs(path: Path, text: str) -> None:
    """Put ``text`` between the bench markers of ``path`` (appending them if missing)."""
    old = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n"
    block = f"{MARK_BEGIN}\n{text}\n{MARK_END}"
    if MARK_BEGIN in old and MARK_END in old:
        head, rest = old.split(MARK_BEGIN, 1)
        _, tail = rest.split(MARK_END, 1)
        new = head + block + tail
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def run(sizes: list[int], runs: int = 3, board_max: int = 10_000, work: Path | None = None,
        source: Path | None = None, keep: bool = False, log=print) -> tuple[list[Result], str]:
    source = source or Path.cwd()
    temp = None
    if work is None:
        temp = tempfile.mkdtemp(prefix="followup-bench-")
        work = Path(temp)
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, runs, board_max, log)
    results = []
    try:
        for size in sizes:
            results.append(bench.run_size(size, source))
            log(table(results[-1:]))
            if not keep:
                shutil.rmtree(work / f"corpus-{size}", ignore_errors=True)
    finally:
        if temp and not keep:
            shutil.rmtree(temp, ignore_errors=True)
    text = table(results) + "\n\n" + context_lines(results)
    return results, text
