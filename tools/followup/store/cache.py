"""A cache of per-file parse results, so unchanged customer files are not read again.

Where it lives: ``.followup-cache/`` in the repository (gitignored), or the folder
named by ``FOLLOWUP_CACHE_DIR`` (CI can keep that folder between runs).
``followup check --no-cache`` and ``grade --no-cache`` neither read nor write it.
Deleting the folder is always safe.

What is cached, per customer file: what reading and validating that one file
gives -- the :class:`~followup.engine.records.Customer` and its problems -- in one of two
kinds: ``full`` records, or the ``lean`` ones ``check`` and ``grade`` read (no free
text; graded, when the playbook grades each record alone -- the rules and the as-of
date are part of the key -- and then without their log). Rank playbooks are graded
after loading, over the whole population, and never cached.

When an entry is used (as black and git do it):

* the *context* must match: the tool (version and a stamp of its own source
  files), a fingerprint of every file under ``rules/``, and the as-of date (a log
  entry dated after it is an error). Any change there starts a fresh cache;
* a file whose ``stat`` (size, mtime_ns, ctime_ns, inode) is the one recorded is
  unchanged -- unless the entry is *racy*: its mtime was within
  :data:`RACY_SECONDS` of the moment it was recorded, so an edit in the same clock
  tick could hide; racy entries are always re-hashed;
* otherwise the file is read and its SHA-256 compared: equal content (a touch, a
  ``git checkout`` that rewrote the same bytes, a revert) reuses the entry with the
  new stat; different content is parsed again.

Results are keyed by path: a renamed file is a new path (and its id comes from the
file name), so it is parsed again. The cache is one pickle file per checkout
(``parse-<tag>.pickle``, the tag hashes the checkout's path) written atomically (temp
file + ``os.replace``); each result inside is packed on its own (:func:`pack`). A
missing, corrupt or old-format cache is ignored. It is our own file, never user input,
and holds only plain data and our dataclasses.

A second, smaller cache holds the last complete ``check`` result with the stat of
every file it saw: when nothing at all changed, ``check`` prints it without
loading anything (see :class:`ResultCache`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from followup import __version__

FORMAT = 4
RACY_SECONDS = 2.0
ENV_DIR = "FOLLOWUP_CACHE_DIR"
DEFAULT_DIR = ".followup-cache"


def cache_dir(root: Path) -> Path:
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else root / DEFAULT_DIR


def _repo_tag(root: Path) -> str:
    """Short tag of the repository's absolute path: one cache folder (FOLLOWUP_CACHE_DIR) can
    serve several checkouts without them overwriting each other's files."""
    return hashlib.sha256(os.fsencode(os.path.abspath(root))).hexdigest()[:12]


@functools.cache  # once per process: check asks for it twice
def tool_stamp() -> str:
    """The version plus a hash of each of our own source files (Python and the compiled
    reader's C): editing the tool (not only releasing it) invalidates the cache, and
    reinstalling the same tool -- as CI does on every run -- does not (content, not mtimes;
    ~100 small files, a few milliseconds)."""
    package = Path(__file__).resolve().parent.parent  # the whole followup package
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.c")]):
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def rules_fingerprint(root: Path) -> str:
    """SHA-256 over every file under ``rules/`` (names and bytes)."""
    digest = hashlib.sha256()
    folder = root / "rules"
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stamp_of(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def is_racy(stamp: tuple, recorded_at_ns: int) -> bool:
    return stamp[1] >= recorded_at_ns - int(RACY_SECONDS * 1e9)


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Entry:
    """What one file gave, packed: its result is ``(customer | None, has_document,
    problems, extra, lean facts | None)`` (``workspace.parse_customer_file``).

    ``blob`` is that result packed alone (``index`` -1), or -- after a parallel parse --
    the packed list of a whole chunk of results, shared by the chunk's entries, each with
    its ``index`` in it: a parsing worker packs its chunk once, in parallel, so neither
    the parent nor saving the cache pickles 100k object graphs again, and one pickle of
    250 records costs about half of 250 pickles. A chunk stays stored while any of its
    entries is current, so the cache holds at most about twice the data. Full records
    (with their notes) are held compressed, at a quarter of their size."""

    stamp: tuple
    sha: str
    blob: bytes
    racy: bool = False
    index: int = -1


COMPRESS_ABOVE = 2048  # bytes: a zlib stream costs ~50 µs to set up, worth it only for big results


def pack(result: tuple) -> bytes:
    """A pickle, zlib-compressed when large (full records with their notes; lean ones are
    small). The first byte tells which: a pickle starts with 0x80, a zlib stream with 0x78."""
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.compress(blob, 1) if len(blob) > COMPRESS_ABOVE else blob


def unpack(blob: bytes):
    return pickle.loads(zlib.decompress(blob) if blob[:1] == b"\x78" else blob)


def _read_pickle(path: Path, context: tuple):
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except Exception:  # missing, truncated, corrupt or from another Python: start afresh
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    if payload.get("context") != context:
        return None
    return payload


def _write_pickle(path: Path, payload: dict) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
                # no memo: our results are trees, and at 100k files the memo of every
                # object written would cost hundreds of megabytes
                pickler.fast = True
                pickler.dump(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, RecursionError, pickle.PicklingError, ValueError):
        return False  # a read-only checkout (or an odd value) works, just without a cache
    return True


@dataclass
class ParseCache:
    """Per-file results for one context. ``lookup`` and ``store`` by relative path."""

    path: Path | None
    context: tuple
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False
    hits: int = 0
    rehashed: int = 0
    chunks: dict[int, list] = field(default_factory=dict)  # id(blob) -> its unpacked chunk

    @classmethod
    def open(cls, root: Path, rules_fp: str, as_of, directory: Path | None = None,
             kind: str = "full") -> ParseCache:
        """``kind``: ``full`` records, or ``lean`` ones (no free text, graded; what
        ``check`` and ``grade`` load) -- kept in separate files, as neither serves the other."""
        folder = directory or cache_dir(root)
        context = ("parse", kind, tool_stamp(), rules_fp, str(as_of))
        suffix = "" if kind == "full" else f"-{kind}"
        path = folder / f"parse-{_repo_tag(root)}{suffix}.pickle"
        payload = _read_pickle(path, context)
        cache = cls(path, context)
        if payload is not None:
            try:
                blobs = payload["blobs"]
                cache.entries = {rel: Entry(stamp, sha, blobs[number], racy, index)
                                 for rel, (stamp, sha, number, index, racy)
                                 in payload["entries"].items()}
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                cache.entries = {}  # damaged: start afresh, like an unreadable file
        return cache

    def result(self, entry: Entry) -> tuple:
        """The entry's result, unpacked (a shared chunk once for all its entries)."""
        if entry.index < 0:
            return unpack(entry.blob)
        chunk = self.chunks.get(id(entry.blob))
        if chunk is None:
            chunk = self.chunks[id(entry.blob)] = unpack(entry.blob)
        return chunk[entry.index]

    def lookup(self, rel: str, stamp: tuple) -> Entry | None:
        """The entry if the stat proves the file unchanged (never for racy entries)."""
        entry = self.entries.get(rel)
        if entry is not None and entry.stamp == stamp and not entry.racy:
            self.hits += 1
            return entry
        return None

    def lookup_content(self, rel: str, stamp: tuple, sha: str, started_ns: int) -> Entry | None:
        """After a stat mismatch: the entry if the bytes are the same (touch, revert).

        ``stamp`` was taken before the bytes were read, at or after ``started_ns``."""
        entry = self.entries.get(rel)
        if entry is None or entry.sha != sha:
            return None
        self.rehashed += 1
        self.store(rel, stamp, sha, entry.blob, started_ns, entry.index)
        return entry

    def store(self, rel: str, stamp: tuple, sha: str, blob: bytes, started_ns: int,
              index: int = -1) -> None:
        self.entries[rel] = Entry(stamp, sha, blob, is_racy(stamp, started_ns), index)
        self.dirty = True

    def forget_missing(self, present: set[str]) -> None:
        gone = [rel for rel in self.entries if rel not in present]
        for rel in gone:
            del self.entries[rel]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> bool:
        if self.path is None or not self.dirty:
            return False
        self.dirty = False
        numbers: dict[int, int] = {}  # id(blob) -> its place in blobs: a shared chunk once
        blobs: list[bytes] = []
        entries = {}
        for rel, e in self.entries.items():
            number = numbers.get(id(e.blob))
            if number is None:
                number = numbers[id(e.blob)] = len(blobs)
                blobs.append(e.blob)
            entries[rel] = (e.stamp, e.sha, number, e.index, e.racy)
        return _write_pickle(self.path, {"format": FORMAT, "context": self.context,
                                         "blobs": blobs, "entries": entries})


class ResultCache:
    """The last full ``check`` result and the stat of every input it came from.

    ``lookup`` returns it only if the command's options, the tool, every rules file
    and the as-of date are the same, the same customer files exist, and every one of
    them has the recorded stat and was not racy when recorded. Otherwise ``None``,
    and the command runs normally (using the per-file cache).
    """

    def __init__(self, root: Path, key: tuple, directory: Path | None = None):
        self.root = root
        self.path = (directory or cache_dir(root)) / f"check-result-{_repo_tag(root)}.pickle"
        self.key = ("check", tool_stamp(), rules_fingerprint(root), *key)

    def lookup(self, list_paths):
        """``list_paths()``: every customer file now (``layout.customer_file_names``), asked
        for only when a result for these options, tool, rules and date is stored."""
        payload = _read_pickle(self.path, self.key)
        if payload is None:
            return None
        paths = list_paths()
        stamps = payload["stamps"]
        if len(stamps) != len(paths):
            return None
        prefix = os.path.join(os.fspath(self.root), "")
        for path in paths:
            text = os.fspath(path)
            rel = text[len(prefix):] if text.startswith(prefix) else None
            if rel is None or os.sep != "/":
                return None  # not worth the trouble: run normally
            try:
                stamp = stamp_of(os.stat(text))
            except OSError:
                return None
            if stamps.get(rel) != stamp:
                return None
        return payload["result"]

    def store(self, stamps: dict[str, tuple] | None, started_ns: int, result) -> bool:
        """Keep ``result`` for the inputs whose stat (taken before reading them, after
        ``started_ns``) is in ``stamps``; a racy stamp means no shortcut next time."""
        if stamps is None or any(is_racy(s, started_ns) for s in stamps.values()):
            return False
        return _write_pickle(self.path, {"format": FORMAT, "context": self.key, "stamps": stamps,
                                         "result": result})


def now_ns() -> int:
    return time.time_ns()
