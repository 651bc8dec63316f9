"""Where things are in a followup repository: its root, and its customer files.

Kept apart from :mod:`followup.store.workspace` (which reads and parses) so that the quickest
commands -- a ``check`` answered from its stored result -- find the files without importing
the readers.
"""

from __future__ import annotations

import operator
import os
from pathlib import Path

SKIPPED_NAMES = {"readme.md", "index.md"}
_NAME = operator.attrgetter("name")


class NotARepository(Exception):
    """The tool cannot run here at all (exit code 2)."""


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "rules").is_dir() and (candidate / "customers").is_dir():
            return candidate
    raise NotARepository(str(here))


def customer_file_names(root: Path, odd: list[str] | None = None) -> list[str]:
    """Every ``customers/**/*.md`` except README/index and anything under ``_``/``.`` names,
    as strings, in the order of ``sorted(rglob)``. A plain ``os.scandir`` walk: at 100k files
    it is several times faster than ``Path.rglob`` (and 100k ``Path`` objects cost a second),
    which matters for a warm ``check``.

    What is never read goes to ``odd`` as ``(path, code)`` for the loader to report, instead
    of failing on it later or publishing what is not the team's:

    * a name that is not UTF-8 (bytes the file system keeps but no id can be): FU730;
    * a symbolic link to a folder (never followed: it may point outside the repository, or
      back up the tree -- ``customers/loop -> ..``), or to a file outside the repository: FU734.
    """
    folder = root / "customers"
    found: list[str] = []
    _walk(os.fspath(folder), found, odd if odd is not None else [], os.path.realpath(root))
    return found


def _walk(folder: str, found: list[str], odd: list, inside: str) -> None:
    """Depth first, each folder's entries by name: the order of sorting the paths by their
    parts, as ``sorted(Path)`` does, without splitting 100k paths to sort them."""
    try:
        entries = sorted(os.scandir(folder), key=_NAME)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(("_", ".")):
            continue
        if not name.isascii() and not is_utf8(name):
            odd.append((entry.path, "FU730"))
            continue
        if entry.is_symlink() and not _safe_link(entry, inside):  # d_type: no system call
            odd.append((entry.path, "FU734"))
        elif entry.is_dir():
            _walk(entry.path, found, odd, inside)
        elif name.endswith(".md") and name.lower() not in SKIPPED_NAMES:
            found.append(entry.path)


def _safe_link(entry: os.DirEntry, inside: str) -> bool:
    """A link is read only when it is a file link to a file inside the repository."""
    if entry.is_dir():
        return False
    target = os.path.realpath(entry.path)
    return target.startswith(inside + os.sep) and os.path.isfile(target)


def is_utf8(name: str) -> bool:
    """Whether a name the OS gave (undecodable bytes as surrogate escapes) was valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(name: str) -> str:
    """A name for a message: undecodable bytes shown as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
