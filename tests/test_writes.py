"""Writes that cannot lose: concurrent writers, hostile arguments, a full or read-only disk,
symlinks, paths outside the repository, leftovers of a killed writer (store/atomic.py,
store/changes.py, store/emit.py through the commands)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ANCHOR, make_repo
from followup.cli import main
from followup.store import atomic, document, yaml12
from followup.store.atomic import TMP_DIR

AS_OF = str(ANCHOR)
CID = "haicheng-talc"


def run(repo: Path, *args: str) -> int:
    return main([*args, "--root", str(repo), "--as-of", AS_OF])


def log_of(repo: Path, cid: str = CID) -> list[dict]:
    """The log as both readers read it (they must agree)."""
    raw = (repo / "customers" / f"{cid}.md").read_bytes()
    doc = document.split(f"customers/{cid}.md", raw)
    fast = yaml12.load_fast(doc.yaml_text)
    roundtrip, _ = yaml12.load_roundtrip(doc.yaml_text)
    assert fast == roundtrip
    return fast["log"]


def followup(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "followup", *args, "--root", str(repo), "--as-of", AS_OF],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def leftovers(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / TMP_DIR).iterdir() if p.name != atomic.LOCK_NAME)


# --- concurrent writers ------------------------------------------------------------------------


def test_concurrent_logs_on_one_customer_lose_nothing(sample_repo):
    """Eight `followup log` processes at once on the same customer, three rounds: every one that
    says 已记录 has its entry in the file, every other one says why it failed."""
    before = len(log_of(sample_repo))
    expected = before
    for round_ in range(3):
        notes = [f"第{round_}轮并发记录{i}" for i in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda note: followup(sample_repo, "log", CID, "--channel", "电话",
                                                          "--note", note), notes))
        in_file = [e.get("note") for e in log_of(sample_repo)]
        for note, result in zip(notes, results):
            assert "internal error" not in result.stderr
            if result.returncode == 0:
                assert "已记录" in result.stdout
                assert in_file.count(note) == 1, (note, result.stdout, result.stderr)
                expected += 1
            else:
                assert result.returncode == 1 and "拒绝写入" in result.stderr, result.stderr
                assert note not in in_file
        assert len(in_file) == expected
    assert expected == before + 24  # nobody waited 60 s: all of them wrote
    assert run(sample_repo, "check", "--no-cache") == 0
    assert leftovers(sample_repo) == []


def test_a_writer_that_waits_too_long_is_refused_not_silent(sample_repo):
    path = sample_repo / "customers" / f"{CID}.md"
    before = path.read_bytes()
    with atomic.locked(sample_repo):  # another followup command is writing
        result = followup(sample_repo, "log", CID, "--channel", "电话", "--note", "等不到锁",
                          env={"FOLLOWUP_LOCK_TIMEOUT": "0.3"})
    assert result.returncode == 1
    assert f"另一个 followup 命令(pid {os.getpid()} followup" in result.stderr
    assert "已等待 0.3 秒" in result.stderr
    assert "已记录" not in result.stdout
    assert path.read_bytes() == before


def test_the_lock_is_reentrant_and_released(tmp_path):
    with atomic.locked(tmp_path):
        with atomic.locked(tmp_path):  # a command and the step it calls
            assert atomic.holds_lock(tmp_path)
        assert atomic.holds_lock(tmp_path)
    assert not atomic.holds_lock(tmp_path)
    assert sorted(p.name for p in (tmp_path / TMP_DIR).iterdir()) == ["lock"]


# --- what a note may hold ----------------------------------------------------------------------


@pytest.mark.parametrize("note", ["第一行\n第二行", "行分隔\u2028符", "段落\u2029分隔", "NEL\x85", "响铃\x07",
                                  "制表\t符", "回车\r", "# 不是注释", "- 像列表", "? 问号", "价格: 面议",
                                  "2026-02-30", "null", "“全角引号”和＃", '引号" 与 \\ 反斜杠'])
def test_any_note_is_written_as_itself(sample_repo, capsys, note):
    assert run(sample_repo, "log", CID, "--channel", "电话", "--note", note) == 0
    assert log_of(sample_repo)[-1]["note"] == note
    capsys.readouterr()
    assert run(sample_repo, "check", "--no-cache") == 0


def test_a_note_that_is_not_text_is_refused(sample_repo, capsys):
    path = sample_repo / "customers" / f"{CID}.md"
    before = path.read_bytes()
    # what Python makes of bytes that are not UTF-8 in an argument
    # (the command line refuses it before anything is read: cli._undecodable)
    assert run(sample_repo, "log", CID, "--channel", "电话", "--note", "坏\udce4字节") == 2
    err = capsys.readouterr().err
    assert "参数 --note 不是有效的 UTF-8 文本" in err
    assert path.read_bytes() == before
    # the same from a terminal that sends GBK bytes
    result = subprocess.run([sys.executable, "-m", "followup", "log", CID, "--channel", "电话", "--note",
                             "坏字节".encode("gbk"), "--root", str(sample_repo), "--as-of", AS_OF],
                            capture_output=True, timeout=300)
    assert result.returncode == 2 and "不是有效的 UTF-8 文本".encode() in result.stderr
    assert b"internal error" not in result.stderr
    assert path.read_bytes() == before


# --- where files may go ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["../../x", "../x", "/tmp/followup-outside", "a/../../x", "_hidden",
                                    ".secret", "li-ming/_old"])
def test_new_refuses_a_folder_outside_customers_or_one_the_loader_skips(sample_repo, capsys, folder):
    code = run(sample_repo, "new", "--name", "越界公司", "--owner", "li-ming", "--phone", "13900001234",
               "--folder", folder)
    assert code == 2
    assert f"--folder {folder}:必须是 customers/ 下的子文件夹" in capsys.readouterr().err
    assert not list(sample_repo.parent.rglob("越界公司*")) and not Path("/tmp/followup-outside").exists()
    assert not list(sample_repo.parent.rglob("yue-jie*"))


def test_new_writes_into_a_sub_folder(sample_repo, capsys):
    assert run(sample_repo, "new", "--name", "星河公司", "--id", "xinghe", "--owner", "li-ming",
               "--phone", "13900001234", "--folder", "li-ming") == 0
    assert (sample_repo / "customers" / "li-ming" / "xinghe.md").is_file()


@pytest.mark.parametrize("cid", ["README", "readme", "index", "INDEX", "_hidden", ".x"])
def test_new_refuses_ids_the_loader_would_skip(sample_repo, capsys, cid):
    code = run(sample_repo, "new", "--name", "某公司", "--owner", "li-ming", "--phone", "13900001234",
               "--id", cid)
    assert code == 2
    assert f"id `{cid}` 不合法(或是会被跳过的文件名)" in capsys.readouterr().err
    assert [p for p in (sample_repo / "customers").iterdir() if p.stem.lower() == cid.lower()] == []


def test_log_through_a_symlink_keeps_the_link(sample_repo, capsys):
    real = sample_repo / "archive" / f"{CID}.md"
    real.parent.mkdir()
    link = sample_repo / "customers" / f"{CID}.md"
    real.write_bytes(link.read_bytes())
    link.unlink()
    link.symlink_to(Path("..") / "archive" / f"{CID}.md")
    assert run(sample_repo, "log", CID, "--channel", "电话", "--note", "经过链接") == 0
    assert link.is_symlink() and os.readlink(link) == f"../archive/{CID}.md"
    assert log_of(sample_repo)[-1]["note"] == "经过链接"


def test_a_symlink_to_a_file_outside_the_repository_is_not_written(sample_repo, tmp_path, capsys):
    outside = tmp_path / "elsewhere.md"
    link = sample_repo / "customers" / f"{CID}.md"
    outside.write_bytes(link.read_bytes())
    link.unlink()
    link.symlink_to(outside)
    before = outside.read_bytes()
    assert run(sample_repo, "log", CID, "--channel", "电话", "--note", "不该写") == 1
    assert "internal error" not in capsys.readouterr().err
    assert outside.read_bytes() == before and link.is_symlink()


# --- what a killed writer leaves ---------------------------------------------------------------


def test_a_writing_command_cleans_what_a_killed_writer_left(sample_repo, capsys):
    tmp = sample_repo / TMP_DIR
    tmp.mkdir(exist_ok=True)
    (tmp / f"{atomic.TMP_PREFIX}{CID}.md.x1y2.tmp").write_text("---\nname: 半截客户数据\n", encoding="utf-8")
    assert run(sample_repo, "check", "--no-cache") == 0  # a reader does not touch it
    assert leftovers(sample_repo) != []
    assert run(sample_repo, "log", CID, "--channel", "电话", "--note", "清理") == 0
    assert leftovers(sample_repo) == []


def test_a_writer_killed_with_sigkill_frees_the_lock_and_its_temp_file_is_cleaned(sample_repo, capsys):
    code = ("import os, sys\nfrom pathlib import Path\nfrom followup.store import atomic\n"
            "root = Path(sys.argv[1])\n"
            "with atomic.locked(root):\n"
            "    atomic._temp(root / atomic.TMP_DIR, 'x.md', '客户数据'.encode(), 0o644, True)\n"
            "    os.kill(os.getpid(), 9)\n")
    killed = subprocess.run([sys.executable, "-c", code, str(sample_repo)], capture_output=True, timeout=60)
    assert killed.returncode == -9
    assert len(leftovers(sample_repo)) == 1
    with atomic.locked(sample_repo, timeout=1):  # the kernel released the dead writer's lock
        assert leftovers(sample_repo) == []


def test_grade_write_that_fails_part_way_says_what_was_written(sample_repo, tmp_path):
    """Every edit is proven first; a write that fails (here: another program changed the second
    file after it was read) stops the run and lists the files written and the ones left."""
    import re

    from followup.cli import graded
    from followup.store.changes import plan_grades, write_all
    from followup.store.workspace import load_workspace

    for path in sorted((sample_repo / "customers").glob("*.md"))[:3]:  # stale due dates
        path.write_text(re.sub(r"(?m)^due: .*$", "due: 2020-01-01", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    ws = load_workspace(sample_repo, as_of=ANCHOR, cache=False)
    result = plan_grades(ws, graded(ws))
    assert len(result.planned) == 3
    second = sample_repo / result.planned[1].path
    second.write_bytes(second.read_bytes() + "另一个程序写的\n".encode())
    write_all(ws, result)
    assert result.written == [result.planned[0].path]
    assert [p for p, _ in result.failed] == [result.planned[1].path]
    assert result.not_written == [p.path for p in result.planned[2:]]
    assert "changed on disk" in result.failed[0][1].reason
    assert (sample_repo / result.planned[2].path).read_bytes() == result.planned[2].edit.old


# --- a disk that says no -----------------------------------------------------------------------


@contextmanager
def tmpfs(where: Path, size: str):
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_repository_is_a_clear_error(tmp_path, capsys):
    with tmpfs(tmp_path / "ro", "32m") as mount:
        repo = make_repo(mount / "repo")
        path = repo / "customers" / f"{CID}.md"
        before = path.read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        capsys.readouterr()
        assert run(repo, "log", CID, "--channel", "电话", "--note", "只读") == 1
        err = capsys.readouterr().err
        assert "internal error" not in err
        assert f"{repo / TMP_DIR}: 文件系统是只读的,在可写的副本中运行" in err
        assert path.read_bytes() == before
        assert main(["log", CID, "--channel", "电话", "--root", str(repo), "--lang", "en"]) == 1
        assert "read-only file system: run in a writable copy" in capsys.readouterr().err
        # the generated files too: an export into the read-only folder
        assert run(repo, "export", str(mount / "客户.csv")) == 1
        err = capsys.readouterr().err
        assert f"{mount / '客户.csv'}: 文件系统是只读的" in err and "internal error" not in err


def test_a_full_disk_is_a_clear_error_and_leaves_the_file_whole(tmp_path, capsys):
    with tmpfs(tmp_path / "full", "32m") as mount:
        repo = make_repo(mount / "repo")
        path = repo / "customers" / f"{CID}.md"
        before = path.read_bytes()
        (repo / TMP_DIR).mkdir(exist_ok=True)
        (repo / TMP_DIR / atomic.LOCK_NAME).touch()
        _fill(mount / "filler")
        capsys.readouterr()
        assert run(repo, "log", CID, "--channel", "电话", "--note", "磁盘满了" * 400) == 1
        err = capsys.readouterr().err
        assert "internal error" not in err
        assert "磁盘已满,腾出空间后再运行" in err and f"{CID}.md" in err
        assert path.read_bytes() == before
        assert leftovers(repo) == []
        (mount / "filler").unlink()
        assert run(repo, "log", CID, "--channel", "电话", "--note", "有空间了") == 0


def test_grade_write_on_a_full_disk_lists_what_was_not_written(tmp_path, capsys):
    import re

    with tmpfs(tmp_path / "full", "32m") as mount:
        repo = make_repo(mount / "repo")
        stale = sorted((repo / "customers").glob("*.md"))[:3]
        for path in stale:
            path.write_text(re.sub(r"(?m)^due: .*$", "due: 2020-01-01", path.read_text(encoding="utf-8")),
                            encoding="utf-8")
        before = [p.read_bytes() for p in stale]
        (repo / TMP_DIR).mkdir(exist_ok=True)
        (repo / TMP_DIR / atomic.LOCK_NAME).touch()
        _fill(mount / "filler")
        capsys.readouterr()
        assert run(repo, "grade", "--write", "--no-cache") == 1
        err = capsys.readouterr().err
        assert f"customers/{stale[0].name}: 写入失败:磁盘已满,腾出空间后再运行" in err
        assert "已写入 0 个文件" in err
        assert f"未写入 2 个文件(保持原样,修正后再运行 grade --write)\n  customers/{stale[1].name}\n" \
               f"  customers/{stale[2].name}" in err
        assert [p.read_bytes() for p in stale] == before and leftovers(repo) == []
        (mount / "filler").unlink()
        assert run(repo, "grade", "--write", "--no-cache") == 0
        assert run(repo, "check", "--no-cache") == 0


def _fill(path: Path) -> None:
    """Fill the file system holding ``path`` to its last block."""
    with open(path, "wb", buffering=0) as filler:
        for size in (65536, 512):
            try:
                while True:
                    filler.write(b"\0" * size)
            except OSError:
                pass


def test_a_mapping_file_with_awkward_headers_reads_back_as_written(tmp_path):
    """Headers and owner names come from the sheet: whatever they hold, the mapping file the
    import proposes (written by the emitter) reads back as the same mapping."""
    from followup.transfer.mapping import Mapping, load_mapping, render_mapping

    mapping = Mapping({"备注: 内部": "notes", "#编号": "ignore", "多行\n表头": "name",
                       "null": "contact.phone", "- 负责人": "owner"},
                      owners={"小周\u2028": None, "李明": "li-ming", "2026-02-30": "wang-fang"},
                      defaults={"owner": "li-ming", "source": "展会: 上海"}, sheet="客户[2026]", header_row=2)
    path = tmp_path / "客户表.mapping.yaml"
    path.write_text(render_mapping(mapping, "客户表.xlsx", {}), encoding="utf-8")
    got, problems = load_mapping(path, {}, "客户表.mapping.yaml")
    assert problems == []
    assert (got.columns, got.owners, got.defaults, got.sheet, got.header_row) == \
        (mapping.columns, mapping.owners, mapping.defaults, mapping.sheet, mapping.header_row)
