"""The one proven atomic write, under the repository's write lock.

Every command that writes a file goes through here: customer files (``grade --write``,
``new``, ``log``, ``reassign``, ``archive``, ``recycle``, ``import``, ``samples``), CODEOWNERS,
and -- outside the repository -- exports, feeds, board pages and mapping files.

**The lock** is one per repository: ``fcntl.flock`` on ``.followup-tmp/lock``. A command
that writes customer files takes it *before it reads them* and holds it to its end, so
read → check → replace is never interleaved with another ``followup`` writer: a second
``followup log`` on the same customer waits, then reads the file with the first entry in
it. Per repository rather than per file because a write is rarely alone (``grade --write``
and a rank playbook's re-grade touch many files, ``new`` must see every other file to
refuse a duplicate) and because the temp files are cleaned under it. A writer that waits
longer than ``FOLLOWUP_LOCK_TIMEOUT`` seconds (default 60) is refused with the holder's pid
and command: never a silent success. Read-only commands (``check``, ``today``, ``board``)
never take it. The lock is re-entrant within one process (a command and the steps it calls).

**Temp files** live in ``.followup-tmp/`` at the root (same file system as the
repository, so the final rename is atomic). Holding the lock, a writer owns every file in
there, so taking the lock first deletes what a killed writer (kill -9, power loss) left
behind. Only if a target lies on another file system (``EXDEV``) is the temp file made
beside it, named ``.followup-tmp-…``, and removed in every case but a kill.

**A replace** writes the temp file, fsyncs it, checks the target still holds the bytes the
command read (else it is refused: some other program changed it), ``os.replace``-s it,
fsyncs the folder and reads the target back. **A create** links the temp file to the new
name (``os.link`` fails if the name exists: a file someone created meanwhile is never
overwritten). A symlinked customer file is written *through* the link (the link stays a
link) when the file it points to is inside the repository, and refused otherwise. Any
``OSError`` (disk full, read-only, no permission, a symlink loop) becomes a
:class:`WriteFailed` naming the path and what to do; the command prints one line, exit 1.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

TMP_DIR = ".followup-tmp"
LOCK_NAME = "lock"
TMP_PREFIX = ".followup-tmp-"
DEFAULT_TIMEOUT = 60.0


class WriteRefused(Exception):
    """Nothing was written: the edit could not be proven safe or the target is not ours to
    write. ``reason`` says why (in English; :meth:`words` in the run's language)."""

    def __init__(self, path: str, reason: str, zh: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.zh = zh or reason

    def words(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.reason


# errno -> (zh, en) what happened and what to do
_OS_WORDS = {
    errno.ENOSPC: ("磁盘已满,腾出空间后再运行", "no space left on the device: free some space and run again"),
    errno.EDQUOT: ("超出磁盘配额,腾出空间后再运行", "disk quota exceeded: free some space and run again"),
    errno.EROFS: ("文件系统是只读的,在可写的副本中运行", "read-only file system: run in a writable copy"),
    errno.EACCES: ("没有写入权限,检查文件和文件夹的权限", "permission denied: check the file's and folder's "
                   "permissions"),
    errno.EPERM: ("不允许写入,检查文件和文件夹的权限", "operation not permitted: check the permissions"),
    errno.ELOOP: ("符号链接形成循环,修正这个链接", "a symbolic link loop: fix the link"),
    errno.EISDIR: ("这是一个文件夹,不是文件", "this is a folder, not a file"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "a part of the path is not a folder"),
    errno.EFBIG: ("文件超出大小限制", "the file is larger than allowed here"),
}


class WriteFailed(WriteRefused):
    """The machine refused the write (disk full, read-only, permissions, the lock held too
    long). Nothing half-written is left in place of the file."""

    @classmethod
    def from_os(cls, path, exc: OSError) -> WriteFailed:
        zh, en = _OS_WORDS.get(exc.errno, (f"无法写入({exc.strerror or exc})",
                                           f"cannot write ({exc.strerror or exc})"))
        return cls(str(path), en, zh)


# --- the lock ----------------------------------------------------------------------------

_held: dict[str, list] = {}  # root -> [fd, depth]
_guard = threading.Lock()


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("FOLLOWUP_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextmanager
def locked(root: Path, timeout: float | None = None):
    """Hold the repository's write lock (waiting up to ``timeout`` seconds), cleaning the temp
    folder when it is first taken. Raises :class:`WriteFailed` if it cannot be had."""
    key = os.fspath(root)
    with _guard:  # threads of one command share the lock; the first one takes it
        entry = _held.get(key)
        if entry is None:
            entry = _held[key] = [_acquire(Path(root), timeout_seconds() if timeout is None else timeout), 0]
        entry[1] += 1
    try:
        yield
    finally:
        with _guard:
            entry[1] -= 1
            if entry[1] == 0:
                del _held[key]
                os.close(entry[0])  # closing the descriptor releases the flock


def holds_lock(root: Path) -> bool:
    return os.fspath(root) in _held


def _acquire(root: Path, timeout: float) -> int:
    folder = root / TMP_DIR
    lock_path = folder / LOCK_NAME
    try:
        folder.mkdir(exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteFailed.from_os(folder, exc) from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise WriteFailed(
                    str(lock_path),
                    f"another followup command ({holder}) is writing in this repository; "
                    f"waited {timeout:g} s: run again when it has finished",
                    f"另一个 followup 命令({holder})正在写入这个仓库;已等待 {timeout:g} 秒:"
                    "等它结束后再运行") from None
            time.sleep(0.02)
        except OSError as exc:
            os.close(fd)
            raise WriteFailed.from_os(lock_path, exc) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {' '.join(_command())}\n".encode("utf-8", "replace"), 0)
    except OSError:
        pass  # who holds it is only for the message of a writer that gives up waiting
    clean_temp(root)
    return fd


def _command() -> list[str]:
    import sys

    return ["followup", *sys.argv[1:3]]  # e.g. "followup log zhang-wei"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return f"pid {text}" if text else "pid unknown"


def clean_temp(root: Path) -> int:
    """Delete what writers killed mid-way left in ``.followup-tmp/``. Only safe holding the
    lock (the caller's). Returns how many files were removed."""
    removed = 0
    try:
        entries = list(os.scandir(root / TMP_DIR))
    except OSError:
        return 0
    for entry in entries:
        if entry.name != LOCK_NAME and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


# --- writes ------------------------------------------------------------------------------


def confine(root: Path, path: Path) -> Path:
    """The real file ``path`` names (through a symlink), refused unless it is inside ``root``."""
    try:
        real = path.resolve()
        base = root.resolve()
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise WriteFailed.from_os(path, OSError(errno.ELOOP, "symlink loop")) from None
    except OSError as exc:
        raise WriteFailed.from_os(path, exc) from None
    if base not in real.parents:
        raise WriteRefused(str(path), f"{real} is outside the repository; nothing was written",
                           f"{real} 在仓库之外,没有写入")
    return real


def _temp(folder: Path, name: str, data: bytes, mode: int, durable: bool) -> str:
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{TMP_PREFIX}{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(fd)


def _place(root: Path, real: Path, data: bytes, mode: int, put, sync: bool = True) -> None:
    """Write ``data`` to a temp file and ``put(tmp, real)`` it; on another file system, retry
    with the temp file beside ``real``. The temp file never outlives this call."""
    tmp = _temp(root / TMP_DIR, real.name, data, mode, True)
    try:
        try:
            put(tmp, real)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            os.unlink(tmp)
            tmp = _temp(real.parent, real.name, data, mode, True)
            put(tmp, real)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    if sync:
        sync_folder(real.parent)


def _read_back(path: Path, data: bytes) -> None:
    if path.read_bytes() != data:
        raise WriteRefused(str(path), "read-back after writing does not match",
                           "写入后读回的内容不一致")


def replace(root: Path, path: Path, old: bytes | None, new: bytes, sync: bool = True) -> Path:
    """Replace the file ``path`` (inside ``root``) with ``new`` if it still holds ``old``
    (``None``: whatever it holds), under the write lock; read back to verify. Returns the
    real file written. ``sync=False``: the caller syncs the folder (once for many files)."""
    with locked(root):
        real = confine(root, path)
        try:
            current = real.read_bytes()
            if old is not None and current != old:
                raise WriteRefused(str(path), "the file changed on disk since it was read; run again",
                                   "读取之后文件在磁盘上被改动了;请重新运行")
            if current != new:
                _place(root, real, new, real.stat().st_mode & 0o777, os.replace, sync)
                _read_back(real, new)
        except OSError as exc:
            raise WriteFailed.from_os(path, exc) from None
    return real


def _link(tmp: str, target: Path) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            raise
        # a file system without hard links: exclusive create instead
        with open(target, "xb") as handle, open(tmp, "rb") as source:
            handle.write(source.read())
            handle.flush()
            os.fsync(handle.fileno())


def create(root: Path, path: Path, data: bytes, check=None) -> None:
    """Create ``path`` (inside ``root``) holding ``data``; refuse if anything exists there.
    ``check(bytes)`` (optional) proves the content before anything is written."""
    exists = WriteRefused(str(path), "the file already exists; it is never overwritten",
                          "文件已存在;不会覆盖")
    with locked(root):
        try:
            if os.path.lexists(path):
                raise exists
            if check is not None:
                check(data)
            path.parent.mkdir(parents=True, exist_ok=True)
            real = confine(root, path)
            _place(root, real, data, 0o644, _link)
            _read_back(real, data)
        except FileExistsError:
            raise exists from None
        except OSError as exc:
            raise WriteFailed.from_os(path, exc) from None


def write_output(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a generated file (an export, a feed, a board page, a mapping file) atomically: a
    reader sees the old or the new file, never half of one. No lock (these are not records);
    the temp file is beside the target, removed on any failure. ``durable=False`` skips the
    fsync (board pages: thousands, regenerated at will)."""
    with output(path, durable) as tmp:
        tmp.write_bytes(data)


@contextmanager
def output(path: Path, durable: bool = True):
    """A temp path beside ``path`` for a library that saves by name (openpyxl); it replaces
    ``path`` when the block ends without an error, and is removed otherwise. An ``OSError``
    (in the block too) becomes a :class:`WriteFailed` naming ``path``."""
    path = Path(path)
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        yield tmp
        if durable:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteFailed.from_os(path, exc) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
