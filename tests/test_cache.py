"""The parse cache never gives a stale result: edit, touch, rename, revert, rules, as-of,
corruption, races -- each case against a run without the cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import REPO
from followup.cli import main
from followup.store import cache as cache_mod
from followup.store import workspace
from followup.store.workspace import load_workspace

AS_OF = dt.date(2026, 11, 22)

RECORD = """---
id: {id}
name: {name}
owner: li-ming
registered: 2026-11-02
source: 展会
contacts:
  - {{name: 张伟, role: 采购经理, phone: "{phone}", decision_maker: true}}
stage: "4"
need: clear
expected_close: 2026-12-20
log:
  - {{date: 2026-11-02, channel: 到访, by: li-ming, note: 首次到访}}
  - {{date: 2026-11-10, channel: 电话, by: li-ming, note: 确认预算}}
---
客户比较看重售后。
"""


def write(repo: Path, cid: str, name: str = "张伟公司", phone: str = "138 1234 5678", **kw) -> Path:
    path = repo / "customers" / f"{cid}.md"
    path.write_text(RECORD.format(id=cid, name=name, phone=phone), encoding="utf-8", **kw)
    return path


def age(path: Path, seconds: float = 30) -> None:
    """Move a file's mtime into the past, out of the racy window."""
    past = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(past, past))


def cache_folder(repo: Path) -> Path:
    return cache_mod.cache_dir(repo)


def parse_file(repo: Path) -> Path:
    (found,) = cache_folder(repo).glob("parse-*.cache")
    return found


def stored(repo: Path) -> dict:
    """The header of the parse cache file (checked against its checksum, as the cache does)."""
    raw = parse_file(repo).read_bytes()
    assert raw.startswith(cache_mod.MAGIC)
    checksum, _, body = raw[len(cache_mod.MAGIC):].partition(b"\n")
    assert hashlib.sha256(body).hexdigest().encode() == checksum
    return json.loads(body.partition(b"\n")[0])


def snapshot(ws) -> tuple:
    """Everything a command sees from loading, comparable between runs."""
    customers = sorted((c.path, c.id, c.name, c.owner, tuple(c.contacts[0].items()) if c.contacts else (),
                        len(c.log), c.body) for c in ws.customers)
    problems = sorted((p.code, p.file, p.key_path, str(sorted(p.params.items()))) for p in ws.problems)
    return customers, problems, sorted(ws.documents)


def same_as_uncached(repo: Path, as_of=AS_OF):
    cached = load_workspace(repo, as_of, cache=True)
    fresh = load_workspace(repo, as_of, cache=False)
    assert snapshot(cached) == snapshot(fresh)
    return cached


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "rules", root / "rules")
    (root / "customers").mkdir()
    for i in range(5):
        age(write(root, f"c{i}", name=f"公司{i}", phone=f"139 0000 000{i}"))
    monkeypatch.delenv(cache_mod.ENV_DIR, raising=False)
    return root


def test_second_load_reads_nothing_and_agrees(repo):
    first = same_as_uncached(repo)
    assert first.cache_stats["parsed"] == 5
    second = same_as_uncached(repo)
    assert second.cache_stats["stat_hits"] == 5 and second.cache_stats["parsed"] == 0
    assert list(cache_folder(repo).glob("parse-*.cache"))
    assert not (repo / ".followup-cache").exists()  # outside the working tree


def test_edit_is_seen(repo):
    same_as_uncached(repo)
    write(repo, "c1", name="改过的名字", phone="139 0000 0001")
    ws = same_as_uncached(repo)
    assert ws.customer("c1").name == "改过的名字"


def test_edit_keeping_size_and_mtime_is_seen(repo):
    """Same length, mtime put back: the ctime (and the racy rule) still catch it."""
    path = repo / "customers" / "c2.md"
    same_as_uncached(repo)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("公司2", "公司9"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    ws = same_as_uncached(repo)
    assert ws.customer("c2").name == "公司9"


def test_racy_entry_is_rehashed(repo, monkeypatch):
    """If the stat were only (size, mtime): a same-size edit in the same clock tick as the
    read is caught because entries recorded within RACY_SECONDS of their mtime are re-hashed."""
    monkeypatch.setattr(cache_mod, "stamp_of", lambda st: (st.st_size, st.st_mtime_ns))
    path = write(repo, "c3", name="公司3", phone="139 0000 0003")  # mtime = now: racy
    same_as_uncached(repo)
    mtime = path.stat().st_mtime_ns
    path.write_text(path.read_text(encoding="utf-8").replace("公司3", "公司8"), encoding="utf-8")
    os.utime(path, ns=(mtime, mtime))
    ws = same_as_uncached(repo)
    assert ws.customer("c3").name == "公司8"


def test_touch_reuses_the_result_without_parsing(repo):
    same_as_uncached(repo)
    path = repo / "customers" / "c4.md"
    age(path, 10)  # new mtime, same bytes
    ws = same_as_uncached(repo)
    assert ws.cache_stats["parsed"] == 0 and ws.cache_stats["rehashed_same"] == 1


def test_rename_is_a_new_file(repo):
    same_as_uncached(repo)
    (repo / "customers" / "c0.md").rename(repo / "customers" / "renamed.md")
    ws = same_as_uncached(repo)
    assert "customers/c0.md" not in ws.documents
    assert any(p.code == "FU103" and p.file == "customers/renamed.md" for p in ws.problems)
    assert "customers/c0.md" not in stored(repo)["entries"]


def test_swapping_two_files_by_rename(repo):
    same_as_uncached(repo)
    a, b, tmp = (repo / "customers" / n for n in ("c0.md", "c1.md", "x.tmp"))
    a.rename(tmp)
    b.rename(a)
    tmp.rename(b)
    ws = same_as_uncached(repo)
    assert ws.customer("c1").path == "customers/c0.md"


def test_revert_gives_the_original_result(repo):
    original = snapshot(same_as_uncached(repo))
    path = repo / "customers" / "c1.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("owner: li-ming", "owner: nobody"), encoding="utf-8")
    broken = same_as_uncached(repo)
    assert any(p.code == "FU105" for p in broken.problems)
    path.write_text(text, encoding="utf-8")  # git checkout -- c1.md
    assert snapshot(same_as_uncached(repo)) == original


def test_rules_change_invalidates(repo):
    same_as_uncached(repo)
    team = repo / "rules" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("id: li-ming", "id: li-ming-2"),
                    encoding="utf-8")
    ws = same_as_uncached(repo)
    assert any(p.code == "FU105" for p in ws.problems)


def test_as_of_change_invalidates(repo):
    same_as_uncached(repo)
    ws = same_as_uncached(repo, as_of=dt.date(2026, 11, 5))  # the 11-10 call is now in the future
    assert any(p.code == "FU203" for p in ws.problems)


@pytest.mark.parametrize("damage", [
    lambda raw: b"",
    lambda raw: b"not a cache",
    lambda raw: raw[:len(raw) // 2],  # truncated
    lambda raw: raw[:-3] + b"xyz",  # a wrong checksum
    lambda raw: raw.replace(b'"format":%d' % cache_mod.FORMAT, b'"format":4'),  # another version
])
def test_corrupt_or_old_cache_is_ignored(repo, damage):
    same_as_uncached(repo)
    path = parse_file(repo)
    path.write_bytes(damage(path.read_bytes()))
    ws = same_as_uncached(repo)
    assert ws.cache_stats["parsed"] == 5
    assert stored(repo)["format"] == cache_mod.FORMAT  # and rebuilt


def test_cache_dir_env_and_no_cache(repo, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "ci-cache"
    monkeypatch.setenv(cache_mod.ENV_DIR, str(elsewhere))
    main(["check", "--root", str(repo), "--as-of", str(AS_OF)])
    assert list(elsewhere.glob("parse-*.cache")) and list(elsewhere.glob("check-result-*.cache"))
    assert not (repo / ".followup-cache").exists()
    monkeypatch.delenv(cache_mod.ENV_DIR)
    main(["check", "--no-cache", "--root", str(repo), "--as-of", str(AS_OF)])
    main(["grade", "--no-cache", "--root", str(repo), "--as-of", str(AS_OF)])
    assert not cache_folder(repo).exists()


def run_check(repo, capsys, *args) -> tuple[int, str]:
    code = main(["check", "--root", str(repo), "--as-of", str(AS_OF), "--format", "json", *args])
    return code, capsys.readouterr().out


def test_check_result_cache_never_stale(repo, capsys):
    for path in (repo / "customers").glob("*.md"):
        age(path)
    uncached = run_check(repo, capsys, "--no-cache")
    assert run_check(repo, capsys) == uncached  # computes and stores
    assert list(cache_folder(repo).glob("check-result-*.cache"))
    assert run_check(repo, capsys) == uncached  # from the stored result
    # an edit, a new file, a deleted file and a rules change each show at once
    path = write(repo, "c1", name="公司0", phone="139 0000 0000")  # now collides with c0
    changed = run_check(repo, capsys)
    assert changed != uncached and changed == run_check(repo, capsys, "--no-cache")
    path.unlink()
    assert run_check(repo, capsys) == run_check(repo, capsys, "--no-cache")
    write(repo, "c1", name="公司1", phone="139 0000 0001")
    team = repo / "rules" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("id: li-ming", "id: li-ming-2"),
                    encoding="utf-8")
    assert run_check(repo, capsys) == run_check(repo, capsys, "--no-cache")


def test_parallel_parsing_agrees_with_serial(repo, monkeypatch):
    for i in range(5, 40):
        write(repo, f"c{i}", name=f"公司{i}", phone=f"139 0000 {i:04d}")
    (repo / "customers" / "broken.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    serial = load_workspace(repo, AS_OF, cache=False, workers=1)
    monkeypatch.setattr(workspace, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(workspace, "CHUNK", 7)
    parallel = load_workspace(repo, AS_OF, cache=False, workers=2)
    assert snapshot(parallel) == snapshot(serial)
    cached = load_workspace(repo, AS_OF, cache=True, workers=2)
    assert snapshot(cached) == snapshot(serial)


def test_a_parallel_parse_stores_each_chunk_once_and_edits_stay_exact(repo, monkeypatch):
    """Workers encode a chunk's results together: the cache holds each chunk once, shared by
    its entries; an edited file gets its own entry, and a chunk whose files all changed
    is dropped -- while every load stays equal to an uncached one."""
    for i in range(5, 40):
        write(repo, f"c{i}", name=f"公司{i}", phone=f"139 0000 {i:04d}")
    for path in (repo / "customers").glob("*.md"):
        age(path)
    monkeypatch.setattr(workspace, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(workspace, "CHUNK", 7)
    files = len(list((repo / "customers").glob("*.md")))
    same_as_uncached(repo)
    payload = stored(repo)
    chunks = -(-files // 7)
    assert len(payload["entries"]) == files and len(payload["blobs"]) == chunks
    first_chunk = sorted(payload["entries"])[:7]
    assert len({payload["entries"][rel][2] for rel in first_chunk}) == 1  # one blob for all 7

    write(repo, first_chunk[0].split("/")[1][:-3], name="改过的公司", phone="139 9999 0000")
    age(repo / first_chunk[0])
    monkeypatch.setattr(workspace, "PARALLEL_THRESHOLD", 10_000)  # one file: parsed here
    assert same_as_uncached(repo).customer(first_chunk[0].split("/")[1][:-3]).name == "改过的公司"
    payload = stored(repo)
    assert len(payload["blobs"]) == chunks + 1
    assert payload["entries"][first_chunk[0]][3] == 0  # its own blob now
    (shared,) = {payload["entries"][rel][2] for rel in first_chunk[1:]}  # the rest: still one
    assert shared != payload["entries"][first_chunk[0]][2]

    for rel in first_chunk[1:]:
        cid = rel.split("/")[1][:-3]
        write(repo, cid, name=f"新{cid}", phone=f"137 0000 {cid[1:]:0>4}")
        age(repo / rel)
    same_as_uncached(repo)
    payload = stored(repo)
    blobs_used = {entry[2] for entry in payload["entries"].values()}
    assert len(payload["blobs"]) == len(blobs_used)  # nothing stored that nothing uses
    # the first chunk is gone; the first edit keeps its blob, the six edited together share one
    assert len(payload["blobs"]) == (chunks - 1) + 2


def test_documents_and_sources_are_read_on_demand(repo):
    ws = load_workspace(repo, AS_OF)
    doc = ws.documents["customers/c0.md"]
    assert doc.raw == (repo / "customers" / "c0.md").read_bytes()
    assert ws.documents.get("customers/none.md") is None
    assert ws.sources["customers/c0.md"].yaml_text.startswith("id: c0")
    assert "rules/team.yaml" in ws.sources


def test_one_cache_folder_for_two_checkouts(repo, tmp_path, monkeypatch):
    other = tmp_path / "other"
    shutil.copytree(repo, other)
    write(other, "c1", name="另一个仓库", phone="139 0000 0001")
    monkeypatch.setenv(cache_mod.ENV_DIR, str(tmp_path / "shared-cache"))
    for _ in range(2):
        assert same_as_uncached(repo).customer("c1").name == "公司1"
        assert same_as_uncached(other).customer("c1").name == "另一个仓库"


def test_the_tool_stamp_is_the_tools_content_so_a_reinstall_keeps_the_cache():
    """CI installs the tool afresh on every run: new mtimes, same files, same cache."""
    source = Path(cache_mod.__file__)
    before = cache_mod.tool_stamp.__wrapped__()
    st = source.stat()
    try:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**10))
        assert cache_mod.tool_stamp.__wrapped__() == before
    finally:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))


STORED_CHECK = """
import sys
from followup.cli import main
status = main(sys.argv[1:])
readers = sorted(m for m in ("followup.store.yaml12", "followup.engine.records", "followup.store.workspace",
                             "followup.engine.grading", "yaml") if m in sys.modules)
print("readers:", ",".join(readers) or "none")
sys.exit(status)
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stored_check_result_prints_the_same_without_importing_the_readers(sample_repo, tmp_path,
                                                                              lang):
    """A fresh process answering from the stored result says exactly what the full run said --
    every problem's words included (codes registered by the duplicates and ownership checks,
    FU402/FU701 in the samples) -- and never imports the YAML readers or the records."""
    import subprocess
    import sys

    (sample_repo / "customers" / "broken.md").write_text(
        "---\nid: broken\nname: 坏\nowner: nobody\nregistered: 2026-11-03\nmood: ok\n---\n",
        encoding="utf-8")
    past = time.time() - 60  # files written this instant are racy: no stored result for them
    for path in (sample_repo / "customers").glob("*.md"):
        os.utime(path, (past, past))
    env = {**os.environ, "FOLLOWUP_CACHE_DIR": str(tmp_path / "cache")}
    args = [sys.executable, "-c", STORED_CHECK, "check", "--root", str(sample_repo),
            "--lang", lang, "--as-of", "2026-11-22"]
    first = subprocess.run(args, env=env, capture_output=True, text=True)
    second = subprocess.run(args, env=env, capture_output=True, text=True)
    assert first.returncode == second.returncode == 1
    report, readers = first.stdout.rsplit("readers:", 1)
    for code in ("FU402", "FU701", "FU105", "FU107"):  # duplicates, ownership, records
        assert code in report
    assert "followup.store.yaml12" in readers  # the first run parsed
    assert second.stdout == report + "readers: none\n"


def test_read_whole_reads_every_byte_even_of_a_file_that_grew(tmp_path, monkeypatch):
    path = tmp_path / "c.md"
    data = bytes(range(256)) * 800  # 200 KB: more than one read's worth after the first
    path.write_bytes(data)
    st, read = workspace.read_whole(str(path))
    assert read == data and cache_mod.stamp_of(st) == cache_mod.stamp_of(path.stat())
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((0,) * 6 + (10,) + (0,) * 3)
                        if fd > 2 else real_fstat(fd))  # as if it had 10 bytes at the fstat
    assert workspace.read_whole(str(path))[1] == data
    monkeypatch.undo()
    (tmp_path / "empty.md").touch()
    assert workspace.read_whole(str(tmp_path / "empty.md"))[1] == b""
    with pytest.raises(IsADirectoryError):
        workspace.read_whole(str(tmp_path))


def test_a_cold_load_takes_each_stamp_from_the_read_itself(repo):
    """With nothing cached, the files are not stat-ed up front: the stamps come from the
    readers (fstat before read), and they are the files' stats."""
    class NoStat:  # the os module, but a stat of any file fails
        def __getattr__(self, name):
            return getattr(os, name)

        def stat(self, *args, **kwargs):
            raise AssertionError("a cold load stat-ed a file up front")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace, "os", NoStat())
        ws = load_workspace(repo, AS_OF, cache=True)
    assert ws.stamps and all(stamp == cache_mod.stamp_of((repo / rel).stat())
                             for rel, stamp in ws.stamps.items())
    assert set(ws.stamps) == {f"customers/{p.name}" for p in (repo / "customers").glob("*.md")}
