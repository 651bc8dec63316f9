"""A cache of per-file parse results, so unchanged customer files are not read again.

Where it lives: outside the working tree, in ``$XDG_CACHE_HOME/followup/<name>-<tag>/``
(``~/.cache/followup/...`` when ``XDG_CACHE_HOME`` is unset), one folder per checkout (the
tag hashes the checkout's absolute path); ``FOLLOWUP_CACHE_DIR`` names another folder (CI
keeps that one between runs). A folder inside the repository that Git tracks (``git
ls-files``) is refused: nothing is read from it or written to it, and one warning line says
so -- a pull request that adds files there must not decide what ``check`` reports.
``followup check --no-cache`` and ``grade --no-cache`` neither read nor write it.
Deleting the folder is always safe.

What is cached, per customer file: what reading and validating that one file
gives -- a :class:`~followup.store.results.FileResult` -- in one of two kinds: ``full``
records, or the ``lean`` ones ``check`` and ``grade`` read (no free text; graded, when the
playbook grades each record alone -- the rules and the as-of date are part of the key --
and then without their log). Rank playbooks are graded after loading, over the whole
population, and never cached.

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
file name), so it is parsed again.

The file holds data only, never code: no pickle (unpickling a crafted file runs whatever it
names). One file per checkout and kind (``parse-<tag>-lean.cache``), written atomically (temp
file + ``os.replace``)::

    followup-cache\n
    <SHA-256 of everything below, hex>\n
    <header: JSON, one line>\n        format, context, entries (stat, SHA, blob, index, racy)
    <blob><blob>...                   results, encoded by store.results (JSON, zlib when big)

A file that does not load for any reason -- missing, truncated, another format version, a
wrong checksum, content that is not what :mod:`followup.store.results` writes, a value of the
wrong type anywhere -- is ignored as a whole, and rebuilt by this run: never an error, never
code. The checksum catches damage (a truncated write, a disk error); it is not a signature:
a folder someone else can write to is not trusted by checking it, which is why the cache
lives outside the working tree.

A second, smaller cache holds the last complete ``check`` result with the stat of
every file it saw: when nothing at all changed, ``check`` prints it without
loading anything (see :class:`ResultCache`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from followup import __version__
from followup.store import codec
from followup.store.codec import Undecodable

if TYPE_CHECKING:
    from followup.store.results import FileResult

FORMAT = 5  # 5: data only (JSON), checksummed; 4 and before were pickles
MAGIC = b"followup-cache\n"
RACY_SECONDS = 2.0
ENV_DIR = "FOLLOWUP_CACHE_DIR"
IGNORE_ALL = "# created by followup: its cache is never committed (docs/design.md)\n*\n"


def cache_dir(root: Path) -> Path | None:
    """The folder the cache of the repository at ``root`` goes in: ``FOLLOWUP_CACHE_DIR``,
    else the user's cache folder (XDG), one sub-folder per checkout; ``None`` when there is
    no home to put it in."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        try:
            base = os.path.join(Path.home(), ".cache")
        except RuntimeError:
            return None
    return Path(base) / "followup" / f"{Path(os.path.abspath(root)).name}-{_repo_tag(root)}"


_REFUSED: set[Path] = set()  # folders already warned about: one line per process


def usable(root: Path, folder: Path) -> bool:
    """Whether ``folder`` may hold the cache: not when it lies inside the repository and Git
    tracks a file in it (committed by accident, or added by a pull request); then one warning
    line says so (once: check opens two caches). Outside the repository -- the default --
    there is nothing to ask Git."""
    try:
        inside = Path(os.path.abspath(folder)).relative_to(Path(os.path.abspath(root)))
    except ValueError:
        return True
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", str(inside)],
                                capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # no git: nothing can be tracked
    if not listed:
        return True
    if folder not in _REFUSED:
        _REFUSED.add(folder)
        from followup.text import language, say

        print(say("cache_tracked", language(), folder=inside.as_posix() + "/"), file=sys.stderr)
    return False


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


def _read(path: Path, context: tuple):
    """``(header, blobs)`` of a cache file written by :func:`_write` for ``context``, or
    ``None`` for anything else (see the module's docstring: never an error)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    if not raw.startswith(MAGIC):
        return None
    checksum, sep, body = raw[len(MAGIC):].partition(b"\n")
    if not sep or hashlib.sha256(body).hexdigest().encode() != checksum:
        return None
    line, sep, blobs = body.partition(b"\n")
    try:
        header = codec.loads(line)  # (the stored check result holds tagged values: key paths)
    except Undecodable:
        return None
    if (type(header) is not dict or header.get("format") != FORMAT
            or header.get("context") != list(context)):
        return None
    return header, blobs


def _write(path: Path, header: dict, blobs: list[bytes] = ()) -> bool:
    try:
        line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
        digest = hashlib.sha256(line + b"\n")
        for blob in blobs:
            digest.update(blob)
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():  # as pytest and ruff do: a folder inside a repository stays out
            ignore.write_text(IGNORE_ALL, encoding="utf-8")  # of `git add .`, .gitignore or not
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.writelines([MAGIC, digest.hexdigest().encode(), b"\n", line, b"\n", *blobs])
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError, TypeError):
        return False  # a read-only checkout (or an odd value) works, just without a cache
    return True


@dataclass(slots=True)
class Entry:
    """What one file gave: its :class:`FileResult` and, for saving it again without encoding
    it again, the blob it is stored in.

    ``blob`` holds a whole chunk of results (:func:`followup.store.results.encode`), this one
    at ``index``: a parsing worker encodes its chunk once, in parallel, and that one encoding
    serves the trip to the parent and the cache. A chunk stays stored while any of its
    entries is current, so the cache holds at most about twice the data. Full records (with
    their notes) are held compressed, at a quarter of their size."""

    stamp: tuple
    sha: str
    blob: bytes
    index: int
    racy: bool
    result: FileResult


def _entries(header: dict, data: bytes) -> dict[str, Entry]:
    """The entries of a loaded cache file; :class:`Undecodable` unless every one of them,
    and every result in every blob, is what :meth:`ParseCache.save` writes."""
    lengths, listed = header.get("blobs"), header.get("entries")
    if (type(lengths) is not list or not all(type(n) is int and n >= 0 for n in lengths)
            or sum(lengths) != len(data) or type(listed) is not dict):
        raise Undecodable("cache layout")
    from followup.store.results import decode  # the records: only when the cache has some

    blobs, chunks, offset = [], [], 0
    for length in lengths:
        blob = data[offset:offset + length]
        offset += length
        blobs.append(blob)
        chunks.append(decode(blob))
    entries = {}
    for rel, item in listed.items():
        if type(item) is not list or len(item) != 5:
            raise Undecodable("cache entry")
        stamp, sha, number, index, racy = item
        if (type(stamp) is not list or len(stamp) != 4 or not all(type(n) is int for n in stamp)
                or type(sha) is not str or type(number) is not int or type(index) is not int
                or type(racy) is not bool or not 0 <= number < len(chunks)
                or not 0 <= index < len(chunks[number])):
            raise Undecodable("cache entry")
        result = chunks[number][index]
        if result.path != rel:
            raise Undecodable("cache entry path")
        entries[rel] = Entry(tuple(stamp), sha, blobs[number], index, racy, result)
    return entries


@dataclass
class ParseCache:
    """Per-file results for one context. ``lookup`` and ``store`` by relative path."""

    path: Path | None
    context: tuple
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False
    hits: int = 0
    rehashed: int = 0

    @classmethod
    def open(cls, root: Path, rules_fp: str, as_of, directory: Path | None = None,
             kind: str = "full") -> ParseCache:
        """``kind``: ``full`` records, or ``lean`` ones (no free text, graded; what
        ``check`` and ``grade`` load) -- kept in separate files, as neither serves the other.
        Every result is decoded here, so a damaged or crafted file is found out before any
        of it is used, and then ignored as a whole."""
        folder = directory or cache_dir(root)
        context = ("parse", kind, tool_stamp(), rules_fp, str(as_of))
        if folder is None or not usable(root, folder):
            return cls(None, context)
        cache = cls(folder / f"parse-{_repo_tag(root)}-{kind}.cache", context)
        loaded = _read(cache.path, context)
        if loaded is not None:
            try:
                cache.entries = _entries(*loaded)
            except (Undecodable, ValueError, TypeError, RecursionError):
                cache.entries = {}  # damaged or crafted: start afresh, like an unreadable file
        return cache

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
        self.store(rel, stamp, sha, entry.blob, entry.index, entry.result, started_ns)
        return entry

    def store(self, rel: str, stamp: tuple, sha: str, blob: bytes, index: int,
              result: FileResult, started_ns: int) -> None:
        self.entries[rel] = Entry(stamp, sha, blob, index, is_racy(stamp, started_ns), result)
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
            entries[rel] = [list(e.stamp), e.sha, number, e.index, e.racy]
        header = {"format": FORMAT, "context": list(self.context),
                  "blobs": [len(b) for b in blobs], "entries": entries}
        return _write(self.path, header, blobs)


class ResultCache:
    """The last full ``check`` result and the stat of every input it came from.

    ``lookup`` returns it only if the command's options, the tool, every rules file
    and the as-of date are the same, the same customer files exist, and every one of
    them has the recorded stat and was not racy when recorded. Otherwise ``None``,
    and the command runs normally (using the per-file cache).
    """

    def __init__(self, root: Path, key: tuple, directory: Path | None = None):
        self.root = root
        folder = directory or cache_dir(root)
        self.path = (folder / f"check-result-{_repo_tag(root)}.cache"
                     if folder is not None and usable(root, folder) else None)
        self.key = ("check", tool_stamp(), rules_fingerprint(root), *key)

    def lookup(self, list_paths):
        """``(problems, number of files)``, or ``None``. ``list_paths()``: every customer file
        now (``layout.customer_file_names``), asked for only when a result for these options,
        tool, rules and date is stored."""
        loaded = self.path and _read(self.path, self.key)
        if not loaded:
            return None
        header = loaded[0]
        stamps, stored = header.get("stamps"), header.get("result")
        if type(stamps) is not dict or type(stored) is not list or len(stored) != 2:
            return None
        paths = list_paths()
        if len(stamps) != len(paths):
            return None
        prefix = os.path.join(os.fspath(self.root), "")
        for path in paths:
            text = os.fspath(path)
            rel = text[len(prefix):] if text.startswith(prefix) else None
            if rel is None or os.sep != "/":
                return None  # not worth the trouble: run normally
            try:
                st = os.stat(text)
            except OSError:
                return None
            if stamps.get(rel) != [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]:
                return None  # (stamp_of, as the list JSON gives back)
        problems, files = stored
        try:
            problems = codec.unproblems(problems)
        except (Undecodable, ValueError, TypeError, RecursionError):
            return None
        return (problems, files) if type(files) is int else None

    def store(self, stamps: dict[str, tuple] | None, started_ns: int, result) -> bool:
        """Keep ``result`` -- ``(problems, number of files)`` -- for the inputs whose stat
        (taken before reading them, after ``started_ns``) is in ``stamps``; a racy stamp
        means no shortcut next time."""
        if (self.path is None or stamps is None
                or any(is_racy(s, started_ns) for s in stamps.values())):
            return False
        problems, files = result
        try:
            data = [codec.problems_data(problems), files]
        except TypeError:
            return False
        return _write(self.path, {"format": FORMAT, "context": list(self.key),
                                  "stamps": {rel: list(s) for rel, s in stamps.items()},
                                  "result": data})


def now_ns() -> int:
    return time.time_ns()
