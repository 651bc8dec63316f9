"""Writing the board's pages into ``site_src/``: only what changed, never outside it, and the
customer pages on every core.

Rendering the customer pages is half of generating a large board (≈20 s of one core at 10k
customers). :class:`CustomerPages` hands them to worker processes in chunks while this process
writes the other pages and the calendar feeds. The workers are forked, so they share the
computed :class:`~followup.board.pages.common.Board` (grades, call lists, alerts) without pickling it;
only a chunk's file paths go out and two counts come back. Where fork is not available, or the
board is small, the customer pages are written here.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from followup.board.pages import MARKER
from followup.board.pages.customer import detail
from followup.store import atomic

CHUNK = 200  # customer pages per task: small enough to share out evenly between the workers
MIN_PARALLEL = 250  # below this many customers, starting workers costs more than it saves


class PageWriter:
    """Writes pages under ``target``: only when the text changed, through a temporary file, and
    never outside ``target`` (slugs make that impossible; refuse rather than trust)."""

    def __init__(self, target: Path):
        self.target = target
        self.root = target.resolve()
        self.folders: dict[str, Path] = {}  # resolved once per folder, not once per page
        self.written = self.unchanged = 0

    def path(self, rel: str) -> Path:
        folder, _, name = rel.rpartition("/")
        if name in ("", ".", ".."):
            raise ValueError(f"not a page path: {rel}")
        parent = self.folders.get(folder)
        if parent is None:
            parent = (self.target / folder).resolve()
            if parent != self.root and self.root not in parent.parents:
                raise ValueError(f"page path escapes {self.target}: {rel}")
            parent.mkdir(parents=True, exist_ok=True)
            self.folders[folder] = parent
        return parent / name

    def write(self, rel: str, text: str) -> None:
        path, data = self.path(rel), text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            self.unchanged += 1
            return
        # a reader (mkdocs serve) sees the old page or the new one; no fsync: pages are regenerated
        atomic.write_output(path, data, durable=False)
        self.written += 1


def remove_stale(target: Path, wanted: set[str]) -> int:
    """Delete generated pages (those with the marker) that are no longer wanted; hand-written
    files stay. ``wanted``: paths relative to ``target``."""
    removed = 0
    for path in sorted(target.rglob("*.md")):
        if path.relative_to(target).as_posix() not in wanted and _is_generated(path):
            path.unlink()
            removed += 1
    return removed


def _is_generated(path: Path) -> bool:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return MARKER in handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def workers_for(customers: int, jobs: int | None) -> int:
    """Worker processes for the customer pages: 0 (write them here) for a small board, one
    job, or no fork; else one per core (or ``jobs``) beside this process, which writes the rest."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if jobs is None:
        jobs = (os.cpu_count() or 1) if customers >= MIN_PARALLEL else 1
    return jobs if jobs > 1 else 0


class CustomerPages:
    """``with CustomerPages(board, writer, jobs):`` — the customer pages are written by worker
    processes while the ``with`` body runs (here, when there are none); their counts are added to
    ``writer`` on the way out."""

    def __init__(self, board, writer: PageWriter, jobs: int | None = None):
        self.board, self.writer = board, writer
        self.paths = [g.customer.path for g in board.customers()]
        self.workers = workers_for(len(self.paths), jobs)
        self.pool = None
        self.futures: list = []

    def __enter__(self):
        from concurrent.futures import ProcessPoolExecutor

        if not self.workers:
            return self
        fork = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=fork, initializer=_init,
                                        initargs=(self.board, self.writer.target))
        self.futures = [self.pool.submit(_write_chunk, self.paths[i:i + CHUNK])
                        for i in range(0, len(self.paths), CHUNK)]
        return self

    def __exit__(self, kind, error, trace):
        if self.pool is None:
            if kind is None:
                _write(self.board, self.writer, self.paths)
            return False
        with self.pool:
            if kind is not None:
                for future in self.futures:
                    future.cancel()
                return False
            for future in self.futures:
                written, unchanged = future.result()
                self.writer.written += written
                self.writer.unchanged += unchanged
        return False


def _write(board, writer: PageWriter, paths: list[str]) -> None:
    for path in paths:
        grade = board.grades[path]
        writer.write(board.customer_page(grade), detail(board, grade))


_worker: dict = {}  # in a forked worker: the board and the site_src/ folder


def _init(board, target: Path) -> None:
    _worker["board"], _worker["target"] = board, target


def _write_chunk(paths: list[str]) -> tuple[int, int]:
    writer = PageWriter(_worker["target"])
    _write(_worker["board"], writer, paths)
    return writer.written, writer.unchanged
