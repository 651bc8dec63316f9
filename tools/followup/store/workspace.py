"""The I/O edge: find a followup repository, read its rules and customer files.

Everything below this module is pure. Loading never raises for bad user data:
every problem is collected, and :func:`locate` turns key paths into line:col by
re-reading only the files that have problems.

Layout::

    rules/followup.yaml   which playbook is active (optional; defaults documented)
    rules/presets/*.yaml  playbooks
    rules/team.yaml       salespeople (required)
    rules/pipeline.yaml   sales stages with win rates (optional)
    rules/calendar.yaml   work days and holidays (optional)
    customers/**/*.md     one file per customer (README.md and _*.md are skipped)
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from followup.engine import grading
from followup.engine.identity import identities
from followup.engine.records import LEAN_LOG, Customer, parse_customer
from followup.problems import Problem, problem
from followup.rules.load import Rules, load_rules
from followup.store import cache as cache_mod
from followup.store import document, yaml12
from followup.store import results as encoding
from followup.store.document import Source
from followup.store.layout import SKIPPED_NAMES, NotARepository, customer_file_names, find_root, printable  # noqa: F401
from followup.store.results import FileResult, LeanFacts


@dataclass
class Workspace:
    root: Path
    rules: Rules | None
    customers: list[Customer] = field(default_factory=list)
    documents: dict[str, document.Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    as_of: dt.date | None = None
    stamps: dict[str, tuple] | None = None  # stat of each customer file, taken before reading it
    extras: dict[str, dict] | None = None  # path -> raw front matter keys in EXTRA_KEYS
    cache_stats: dict[str, int] = field(default_factory=dict)  # parsed / reused / rehashed files
    started_ns: int = 0  # when loading began (a stat newer than this is "racy")
    lean: bool = False  # records without free text (see load_workspace)
    read_grades: dict | None = None  # path -> Grade graded while reading (lean): use graded()
    memo: dict = field(default_factory=dict, repr=False)  # derived once per command (collisions)
    identities: dict = field(default_factory=dict, repr=False)  # path -> found while reading (lean)

    def full_record(self, customer: Customer) -> Customer:
        """``customer`` whole -- log, notes and body: the one way from a lean record
        (``customer.lean``, see :func:`parse_customer_file`) to its full one, read again once
        per command, for the few records a check needs in full (the protection period of a
        customer registered twice, 撞单, counts follow-ups). A check family that declares
        ``full_records`` gets every record this way (``followup.checks.run_checks``). A full
        record is itself."""
        if not customer.lean:
            return customer
        full = self.memo.setdefault("full_records", {})
        if customer.path not in full:
            raw = (self.root / customer.path).read_bytes()
            full[customer.path] = parse_customer_file(customer.path, raw, self.rules,
                                                      self.as_of).customer or customer
        return full[customer.path]

    def graded(self) -> dict:
        """path -> :class:`~followup.engine.grading.Grade` of every customer: those graded
        while read (a lean load, per-record playbooks), else graded now."""
        if self.rules is None:
            return {}
        if self.read_grades is not None:
            return self.read_grades
        return grading.grade_all(self.customers, self.rules.playbook, self.rules.calendar)

    def customer(self, cid: str) -> Customer | None:
        return next((c for c in self.customers if c.id == cid), None)

    def erroneous_files(self) -> set[str]:
        return {p.file for p in self.problems if p.is_error}

    def front_matter_extra(self, path: str) -> dict:
        """Raw front matter keys that :class:`Customer` does not model (``owner_history``),
        kept when the file was read -- no second read and parse of every file."""
        if self.extras is not None:
            return self.extras.get(path, {})
        return self.front_matter(path)

    def front_matter(self, path: str) -> dict:
        """One file's whole front matter as plain data ({} when it has none or does not parse)."""
        doc = self.documents.get(path)
        if doc is None:
            return {}
        try:
            data = yaml12.load_fast(doc.yaml_text)
        except yaml12.YamlError:
            return {}
        return data if isinstance(data, dict) else {}


def relpath(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()






def customer_files(root: Path) -> list[Path]:
    """:func:`~followup.store.layout.customer_file_names` as ``Path`` objects."""
    return [Path(p) for p in customer_file_names(root)]


def read_customer(root: Path, path: Path, rules: Rules, as_of: dt.date | None):
    """Read one customer file: ``(customer | None, document | None, problems)``."""
    rel = relpath(root, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, None, [problem("FU005", rel, line=1, col=1, detail=str(exc))]
    doc, data, problems = document.load(rel, raw)
    if data is None:
        return None, doc, problems
    customer, found = parse_customer(data, rel, rules.playbook, rules.team, as_of)
    if doc is not None:
        customer.body = doc.body
    return customer, doc, problems + found


EXTRA_KEYS = ("owner_history",)  # raw front matter that checks read but Customer does not model


def parse_customer_file(rel: str, raw: bytes, rules: Rules, as_of: dt.date | None,
                        lean: bool = False) -> FileResult:
    """What one file gives (a :class:`~followup.store.results.FileResult`: what the
    workers send and the cache keeps).

    ``lean``: for ``check`` and ``grade``, which judge records but never show them. When
    the record's tier depends on it alone, it is graded here -- in the parsing worker,
    not afterwards in the one parent process -- and comes without its log (its log is
    ``LEAN_LOG``, which refuses to be read); otherwise it comes without log notes. Never
    with the body, and marked ``customer.lean``: ``Workspace.full_record`` gives the whole
    record. The result's :class:`~followup.store.results.LeanFacts` hold the tier and
    schedule and the record's identities (normalised phones, emails and company name,
    ``engine.identity.identities``: per-record work too). Moving, caching and decoding a
    record costs about its number of values, most of them log entries: a graded lean
    record is a small fraction of a full one.
    """
    doc, data, problems = document.load(rel, raw)
    if data is None:
        return FileResult(rel, None, doc is not None, problems)
    customer, found = parse_customer(data, rel, rules.playbook, rules.team, as_of)
    extra = {key: data[key] for key in EXTRA_KEYS if key in data}
    facts = None
    if lean:
        facts = LeanFacts(None, None, identities(customer))
        if grading.per_record(rules.playbook):
            graded = grading.grade_one(customer, rules.playbook, rules.calendar)
            facts.tier, facts.schedule = graded.tier, graded.schedule
        customer.make_lean(graded=facts.tier is not None)
    elif doc is not None:
        customer.body = doc.body
    return FileResult(rel, customer, doc is not None, problems + found, extra, facts)


def _fits(result: FileResult, lean: bool, graded: bool) -> bool:
    """Whether a cached result is of the kind this load makes (the cache's context already
    pins the kind, rules, tool and date; a crafted file could still mix them)."""
    customer = result.customer
    if customer is None or not lean:
        return result.lean is None and (customer is None or not customer.lean)
    return (result.lean is not None and customer.lean and (result.lean.tier is not None) == graded
            and (customer.log is LEAN_LOG) == graded)


def load_workspace(root: Path, as_of: dt.date | None = None, cache: bool | Path = True,
                   workers: int | None = None, lean: bool = False) -> Workspace:
    """Read the rules and every customer file, as of ``as_of`` (default: today in the
    calendar's time zone).

    ``cache``: ``True`` uses the per-file cache in the default folder (see
    :mod:`followup.store.cache`), a path uses that folder, ``False`` reads everything.
    ``workers``: processes for parsing; by default all cores, and only when more
    than :data:`PARALLEL_THRESHOLD` files need parsing (process start-up costs more
    than it saves below that).
    ``lean``: for commands that judge records without showing them (``check``, ``grade``):
    customers come without log notes and body, graded in the parsing workers when the
    playbook grades each record alone (``ws.graded()`` gives those grades; for rank
    playbooks it grades the lean customers then, as for full ones). Lean records are marked
    (``customer.lean``); see :func:`parse_customer_file` and :meth:`Workspace.full_record`.
    """
    started = cache_mod.now_ns()
    sources: dict[str, Source] = {}
    rules, problems = load_rules(root, sources)
    if as_of is None and rules is not None:
        as_of = rules.calendar.today()  # "today" in the team's time zone
    ws = Workspace(root=root, rules=rules, problems=problems, sources=sources, as_of=as_of,
                   lean=lean)
    if rules is None:
        return ws
    ws.extras = {}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects that all live on: GC passes only cost
    try:
        parse_cache = None
        if cache:
            directory = cache if isinstance(cache, Path) else None
            parse_cache = cache_mod.ParseCache.open(root, cache_mod.rules_fingerprint(root), as_of,
                                                    directory, "lean" if lean else "full")
        odd: list = []  # what is never read: odd names, links out of the repository (layout.py)
        paths = customer_file_names(root, odd)  # strings: 100k Path objects cost seconds
        for path, code in odd:
            rel = printable(_rels(root, [path])[0])
            ws.problems.append(problem(code, rel, line=1, col=1, name=rel))
        rels = _rels(root, paths)
        graded = lean and grading.per_record(rules.playbook)
        results: list[FileResult | None] = [None] * len(paths)
        stamps: dict[str, tuple] = {}
        todo: list[tuple[int, str]] = []  # stat changed or unknown: parse
        if parse_cache is not None and not all(_fits(e.result, lean, graded)
                                               for e in parse_cache.entries.values()):
            parse_cache.entries = {}  # results this load would not make: a crafted file
        if parse_cache is not None and parse_cache.entries:
            for i, (path, rel) in enumerate(zip(paths, rels)):
                try:
                    stamp = cache_mod.stamp_of(os.stat(path))
                except OSError:
                    stamp = None
                entry = parse_cache.lookup(rel, stamp) if stamp else None
                if entry is not None:
                    stamps[rel] = stamp
                    results[i] = entry.result
                else:
                    todo.append((i, rel))
        else:  # nothing to compare with: the readers take each file's stat as they open it
            todo = list(enumerate(rels))
        parsed = _parse_many(root, todo, rules, as_of, parse_cache, workers, lean)
        unstored = []  # parsed in this process: encoded for the cache below, a chunk at a time
        for (i, rel), (stamp, sha, result, blob, index) in zip(todo, parsed):
            results[i] = result
            if stamp is not None:
                stamps[rel] = stamp
            if parse_cache is not None and stamp is not None and sha is not None:
                entry = parse_cache.lookup_content(rel, stamp, sha, started)
                if entry is not None:
                    results[i] = entry.result
                elif blob is not None:
                    parse_cache.store(rel, stamp, sha, blob, index, result, started)
                else:
                    unstored.append((rel, stamp, sha, result))
        _store_chunks(parse_cache, unstored, started)
        with_documents = []
        grades = {} if graded else None
        for rel, result in zip(rels, results):
            if result.has_document:
                with_documents.append(rel)
            customer = result.customer
            if customer is not None:
                ws.customers.append(customer)
                if grades is not None:
                    grades[rel] = grading.Grade(customer, result.lean.tier, result.lean.schedule)
                if result.lean is not None:
                    ws.identities[rel] = result.lean.identities
            if result.extras:
                ws.extras[rel] = result.extras
            ws.problems += result.problems
        ws.read_grades = grades
        ws.documents = LazyDocuments(root, with_documents)
        ws.sources = LazySources(root, sources, ws.documents)
        ws.stamps = stamps
        ws.started_ns = started
        ws.cache_stats = {"files": len(paths), "stat_hits": len(paths) - len(todo),
                          "rehashed_same": parse_cache.rehashed if parse_cache else 0}
        ws.cache_stats["parsed"] = len(todo) - ws.cache_stats["rehashed_same"]
        if parse_cache is not None:
            parse_cache.forget_missing(set(stamps))
            parse_cache.save()
    finally:
        if gc_was_enabled:
            gc.enable()
    if len(ws.customers) > PARALLEL_THRESHOLD:
        # the records live as long as the command: keep the collector from walking them
        # again and again while grading allocates (gc.freeze is what it is made for)
        gc.freeze()
    return ws


PARALLEL_THRESHOLD = 2_000
CHUNK = 250


def _rels(root: Path, paths: list[str]) -> list[str]:
    """Repository-relative POSIX paths (string slicing: ``Path.relative_to`` costs
    seconds at 100k files)."""
    prefix = os.path.join(os.fspath(root), "")
    out = []
    for path in paths:
        text = os.fspath(path)
        if text.startswith(prefix):
            rel = text[len(prefix):]
            out.append(rel if os.sep == "/" else rel.replace(os.sep, "/"))
        else:
            out.append(relpath(root, Path(path)))
    return out


def _store_chunks(parse_cache, unstored: list, started_ns: int) -> None:
    """Keep results parsed in this process in the cache, encoded :data:`CHUNK` at a time
    (one blob a chunk, as the parallel workers make them)."""
    if parse_cache is None:
        return
    for start in range(0, len(unstored), CHUNK):
        part = unstored[start:start + CHUNK]
        try:
            blob = encoding.encode([result for *_, result in part])
        except TypeError:  # a value the encoding does not know: this chunk goes uncached
            continue
        for index, (rel, stamp, sha, result) in enumerate(part):
            parse_cache.store(rel, stamp, sha, blob, index, result, started_ns)


def _parse_many(root: Path, todo: list, rules: Rules, as_of, parse_cache, workers: int | None,
                lean: bool):
    """``(stamp | None, sha256 | None, result, encoded chunk | None, index in it)`` for
    each ``(index, rel)``, in order. The stamp is the file's stat, taken before its bytes
    are read (``None`` if it could not be read).

    With a cache, a file whose bytes hash to the cached SHA is not parsed (its result is
    replaced by the cached one by the caller); without one, no hashing is done.
    """
    hashing = parse_cache is not None
    known = {rel: parse_cache.entries[rel].sha for _, rel in todo
             if rel in parse_cache.entries} if hashing else {}
    rels = [rel for _, rel in todo]
    cores = workers if workers is not None else (os.cpu_count() or 1)
    if cores > 1 and len(rels) > PARALLEL_THRESHOLD:
        yield from _parse_parallel(root, rels, rules, as_of, hashing, known, cores, lean)
        return
    for rel in rels:
        yield *_parse_one(root, rel, rules, as_of, hashing, known.get(rel), lean), None, -1


def _parse_one(root: Path, rel: str, rules: Rules, as_of, hashing: bool, known_sha: str | None,
               lean: bool):
    """``(stamp | None, sha256 | None, result)`` of one file."""
    try:
        st, raw = read_whole(os.path.join(root, rel))  # no Path objects: 100k files
    except OSError as exc:
        return None, None, FileResult(rel, problems=[problem("FU005", rel, line=1, col=1,
                                                             detail=str(exc))])
    stamp = cache_mod.stamp_of(st)
    sha = cache_mod.sha256(raw) if hashing else None
    if sha is not None and sha == known_sha:
        return stamp, sha, FileResult(rel)  # unread: the caller takes the cached result
    return stamp, sha, parse_customer_file(rel, raw, rules, as_of, lean)


def read_whole(path: str) -> tuple[os.stat_result, bytes]:
    """A file's stat (taken before reading: the cache's stamp) and bytes, in four system
    calls (open, fstat, read, close): about half the cost of a Python file object and a
    separate stat, for every customer file of a cold run."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        data = os.read(fd, st.st_size + 1)
        if len(data) <= st.st_size:  # short of size + 1: the end of the file
            return st, data
        parts = [data]  # it grew since the fstat: read on to the end
        while more := os.read(fd, 1 << 16):
            parts.append(more)
        return st, b"".join(parts)
    finally:
        os.close(fd)


_WORKER: dict = {}


def _worker_init(root: Path, rules: Rules, as_of, hashing: bool, known: dict, lean: bool) -> None:
    gc.disable()
    _WORKER.update(root=root, rules=rules, as_of=as_of, hashing=hashing, known=known, lean=lean)


def _worker_chunk(rels: list[str]) -> tuple[list, list, bytes | list]:
    """Parse a chunk: ``(stamps, shas, encoded results)``. The chunk's results are encoded
    here, together (:func:`followup.store.results.encode`, in parallel), and the parent
    decodes them once: one encoding serves both the trip to the parent and the cache. A
    chunk with a value the encoding does not know travels as the results themselves
    (between our own processes; such a chunk is not cached)."""
    w = _WORKER
    stamps, shas, out = [], [], []
    for rel in rels:
        stamp, sha, result = _parse_one(w["root"], rel, w["rules"], w["as_of"], w["hashing"],
                                        w["known"].get(rel), w["lean"])
        stamps.append(stamp)
        shas.append(sha)
        out.append(result)
    try:
        return stamps, shas, encoding.encode(out)
    except TypeError:
        return stamps, shas, out


def _parse_parallel(root: Path, rels: list[str], rules: Rules, as_of, hashing: bool, known: dict,
                    cores: int, lean: bool):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the loaded modules and rules for free; elsewhere they are sent once
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [rels[i:i + CHUNK] for i in range(0, len(rels), CHUNK)]
    with ProcessPoolExecutor(max_workers=cores, mp_context=context, initializer=_worker_init,
                             initargs=(root, rules, as_of, hashing, known, lean)) as pool:
        for stamps, shas, blob in pool.map(_worker_chunk, chunks):
            if isinstance(blob, list):
                for stamp, sha, result in zip(stamps, shas, blob):
                    yield stamp, sha, result, None, -1
                continue
            results = encoding.decode(blob)
            for index, (stamp, sha, result) in enumerate(zip(stamps, shas, results)):
                yield stamp, sha, result, blob if hashing else None, index


class LazyDocuments(Mapping):
    """``path -> Document`` for every customer file that has front matter, read on demand.

    Holding 100k documents (bytes and text) would cost gigabytes; the commands that
    need one (``grade --write``) ask for it and it is read then.
    """

    def __init__(self, root: Path, rels: list[str]):
        self._root = root
        self._rels = dict.fromkeys(rels)

    def __getitem__(self, rel: str) -> document.Document:
        if rel not in self._rels:
            raise KeyError(rel)
        try:
            raw = (self._root / rel).read_bytes()
        except OSError:
            raise KeyError(rel) from None
        doc = document.split(rel, raw)
        if isinstance(doc, Problem):
            raise KeyError(rel)
        return doc

    def __iter__(self):
        return iter(self._rels)

    def __len__(self) -> int:
        return len(self._rels)

    def __contains__(self, rel) -> bool:
        return rel in self._rels


class LazySources(Mapping):
    """The rules' sources, plus a :class:`Source` for any customer file, made on demand
    (only files with problems are ever asked for)."""

    def __init__(self, root: Path, rules_sources: dict[str, Source], documents: LazyDocuments):
        self._rules = rules_sources
        self._documents = documents
        self._made: dict[str, Source] = {}

    def __getitem__(self, rel: str) -> Source:
        if rel in self._rules:
            return self._rules[rel]
        if rel not in self._made:
            doc = self._documents[rel]
            self._made[rel] = Source(doc.yaml_text, doc.first_line)
        return self._made[rel]

    def __setitem__(self, rel: str, source: Source) -> None:
        self._rules[rel] = source

    def __iter__(self):
        yield from self._rules
        yield from (rel for rel in self._documents if rel not in self._rules)

    def __len__(self) -> int:
        return len(self._rules) + len(self._documents)

    def __contains__(self, rel) -> bool:
        return rel in self._rules or rel in self._documents


def locate(problems: list[Problem], sources: dict[str, Source]) -> list[Problem]:
    """Give every problem a line and column, re-reading each file at most once."""
    located = []
    for p in problems:
        if p.line == 0 and p.file in sources:
            line, col = sources[p.file].locate(p.key_path)
            p = p.at(line, col)
        elif p.line == 0:
            p = p.at(1, 1)
        located.append(p)
    return sorted(located, key=Problem.sort_key)
