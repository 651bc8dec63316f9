"""``followup bench``: generate corpora and measure check/grade/board against a naive baseline."""

from __future__ import annotations

from pathlib import Path

from followup.cli import EXIT_OK, Run, command


def _bench_args(p):
    p.add_argument("--sizes", default="1000,10000,100000",
                   help="comma-separated corpus sizes (default 1000,10000,100000)")
    p.add_argument("--runs", type=int, default=3, help="runs per figure (1 at 50k and more)")
    p.add_argument("--board-max", type=int, default=10_000,
                   help="build the board only up to this many customers (default 10000)")
    p.add_argument("--workdir", help="where to generate the corpora (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora")
    p.add_argument("--write", metavar="FILE",
                   help="also put the table into FILE (e.g. docs/performance.md)")


@command("bench", "benchmark check/grade/board on generated 1k/10k/100k corpora vs a naive baseline",
         _bench_args)
def cmd_bench(run: Run) -> int:
    from followup.dev.bench import run as run_bench
    from followup.dev.bench import write_docs

    sizes = [int(s.replace("_", "")) for s in run.args.sizes.split(",") if s.strip()]
    _, text = run_bench(sizes, runs=max(1, run.args.runs), board_max=run.args.board_max,
                        work=Path(run.args.workdir) if run.args.workdir else None,
                        source=run.root, keep=run.args.keep, log=run.print)
    run.print()
    run.print(text)
    if run.args.write:
        write_docs(Path(run.args.write), text)
        run.print(f"\nwrote the table into {run.args.write}")
    return EXIT_OK
