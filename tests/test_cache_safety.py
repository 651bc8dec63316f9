"""The cache cannot run code and cannot change an answer: crafted files (a pickle that would
write a file, JSON of the wrong shape or types, a valid-looking stored result in a folder Git
tracks) are ignored and rebuilt, and ``check`` says what it says without a cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import pickle
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from conftest import REPO
from followup.cli import main
from followup.engine.records import LEAN_LOG
from followup.store import cache as cache_mod
from followup.store import codec, results
from followup.store.workspace import load_workspace, parse_customer_file

AS_OF = "2026-11-22"
BAD_CUSTOMER = """---
id: wang-fang
name: 王芳贸易
owner: nobody
registered: 2026-11-03
---
"""


class WritesAFile:
    """Unpickling this creates ``path``: what a crafted cache file would do (run code)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), "ran"))


def write_cache(path: Path, header: dict, blobs: list[bytes] = ()) -> None:
    """A cache file in the documented layout, with a correct checksum: what someone who read
    store/cache.py could craft."""
    line = json.dumps(header, ensure_ascii=False).encode()
    body = line + b"\n" + b"".join(blobs)
    path.write_bytes(cache_mod.MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def read_header(path: Path) -> dict:
    body = path.read_bytes()[len(cache_mod.MAGIC):].partition(b"\n")[2]
    return json.loads(body.partition(b"\n")[0])


def age_all(repo: Path) -> None:
    past = time.time() - 60  # out of the racy window: a stored result would be used
    for path in (repo / "customers").glob("*.md"):
        os.utime(path, (past, past))


def check(repo: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--root", str(repo), "--as-of", AS_OF, "--format", "json", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def repo(sample_repo) -> Path:
    (sample_repo / "customers" / "wang-fang.md").write_text(BAD_CUSTOMER, encoding="utf-8")
    age_all(sample_repo)
    return sample_repo


def test_no_pickle_in_followup():
    source = REPO / "tools" / "followup"
    users = [p.relative_to(source).as_posix() for p in source.rglob("*.py")
             if "import pickle" in p.read_text(encoding="utf-8")]
    assert users == []


def test_a_crafted_pickle_in_the_cache_folder_runs_nothing(repo, tmp_path, capsys):
    expected = check(repo, capsys, "--no-cache")
    assert expected[0] == 1 and "FU105" in expected[1]
    folder = cache_mod.cache_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)  # (grade --write of the samples made it)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(WritesAFile(marker))
    tag = cache_mod._repo_tag(repo)
    names = [f"parse-{tag}-lean.cache", f"parse-{tag}-full.cache", f"check-result-{tag}.cache",
             f"parse-{tag}-lean.pickle", f"check-result-{tag}.pickle"]  # and the old names
    for name in names:
        (folder / name).write_bytes(payload)
    assert check(repo, capsys) == expected
    assert check(repo, capsys) == expected  # from the rebuilt cache
    load_workspace(repo, dt.date(2026, 11, 22))  # a full load reads its own file
    assert not marker.exists()  # nothing unpickled it (test_the_payload_really_would_run)
    assert read_header(folder / names[0])["format"] == cache_mod.FORMAT  # rebuilt


def test_the_payload_really_would_run(tmp_path):
    """The crafted file above is a real threat: unpickled, it writes the file."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle.dumps(WritesAFile(marker)))
    assert marker.read_text() == "ran"


def tamper(blob_data: list) -> list[bytes]:
    """Variants of one stored chunk that are not what the cache writes."""
    first = blob_data[0]
    customer = first[1]
    variants = []
    for index, value in ((2, 42), (5, "not a date"), (10, "log"), (4, "li-ming"),
                         (19, "a lot"), (20, "yes")):
        bad = [*customer]
        bad[index] = value
        variants.append([[first[0], bad, *first[2:]], *blob_data[1:]])
    variants.append([[first[0], customer[:-1], *first[2:]], *blob_data[1:]])  # a field short
    variants.append([["customers/elsewhere.md", *first[1:]], *blob_data[1:]])  # another path
    variants.append([[first[0], customer, True, [["FU105", 1, 0, 0, {}, ["u"], True]], None, None]])
    variants.append([[first[0], customer, True, [], None, ["B", None, []]]])  # a graded-kind mix
    variants.append([[first[0], customer, "yes", [], None, None]])
    return [json.dumps(v).encode() for v in variants] + [b"[" * 100_000 + b"]" * 100_000]


def test_crafted_json_with_wrong_types_is_ignored(repo, capsys):
    """Each file has the right magic, version, context and checksum -- and values of the wrong
    type or shape: the whole file is ignored, the check answers right, the cache is rebuilt."""
    expected = check(repo, capsys, "--no-cache")
    assert check(repo, capsys) == expected
    folder = cache_mod.cache_dir(repo)
    (parse,) = folder.glob("parse-*-lean.cache")
    header = read_header(parse)
    blob = parse.read_bytes().split(b"\n", 3)[3][:header["blobs"][0]]
    blob = json.loads(zlib.decompress(blob) if blob[:1] == b"\x78" else blob)  # as stored
    for result in folder.glob("check-result-*"):
        result.unlink()
    entries = {rel: [stamp, sha, 0, 0, racy] for rel, (stamp, sha, _, _, racy)
               in list(header["entries"].items())[:1]}
    untouched = json.dumps(blob).encode()
    write_cache(parse, {**header, "blobs": [len(untouched)], "entries": entries}, [untouched])
    ws = load_workspace(repo, dt.date(2026, 11, 22), lean=True)
    assert ws.cache_stats["parsed"] == ws.cache_stats["files"] - 1  # a file so made is read
    for data in tamper(blob):
        write_cache(parse, {**header, "blobs": [len(data)], "entries": entries}, [data])
        assert check(repo, capsys, "--no-cache") == expected
        ws = load_workspace(repo, dt.date(2026, 11, 22), lean=True)
        assert ws.cache_stats["parsed"] == ws.cache_stats["files"]  # nothing taken from it
        assert check(repo, capsys) == expected
        for result in folder.glob("check-result-*"):
            result.unlink()


@pytest.mark.parametrize("stored", [
    {"stamps": "all", "result": [[], 1]},
    {"stamps": {}, "result": [[], "one"]},
    {"stamps": {}, "result": [[["FU105", "x.md", "1", 0, {}, ["u"], True]], 1]},
    {"stamps": {}, "result": [[["FU105", "x.md", 1, 0, {}, ["q", 1], True]], 1]},
    {"result": [[], 1]},
])
def test_a_crafted_check_result_with_wrong_types_is_ignored(repo, capsys, stored):
    expected = check(repo, capsys, "--no-cache")
    assert check(repo, capsys) == expected
    (path,) = cache_mod.cache_dir(repo).glob("check-result-*")
    header = read_header(path)
    if stored.get("stamps") == {}:
        stored = {**stored, "stamps": header["stamps"]}  # the files' real stats: it would be used
    write_cache(path, {"format": header["format"], "context": header["context"], **stored})
    assert check(repo, capsys) == expected


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def test_a_cache_folder_tracked_by_git_is_refused(repo, capsys, monkeypatch):
    """A pull request force-adds a cache folder holding a stored result that says 'all clean'
    for exactly these files: check reads nothing from it, writes nothing to it, says why
    once, and reports the real problems."""
    monkeypatch.setenv("FOLLOWUP_LANG", "en")
    expected = check(repo, capsys, "--no-cache")
    inside = repo / ".followup-cache"
    monkeypatch.setenv(cache_mod.ENV_DIR, str(inside))
    git(repo, "init", "-q")
    assert check(repo, capsys) == expected  # untracked inside the repository: used
    assert (inside / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")
    git(repo, "add", ".")
    assert ".followup-cache" not in subprocess.run(  # not committed by accident
        ["git", "-C", str(repo), "ls-files"], capture_output=True, text=True).stdout
    (stored,) = inside.glob("check-result-*")
    header = read_header(stored)
    write_cache(stored, {**header, "result": [[], header["result"][1]]})  # "no problems"
    assert check(repo, capsys)[0] == 0  # (a cache the team keeps is trusted)
    git(repo, "add", "-f", ".followup-cache")
    before = {p.name: p.read_bytes() for p in inside.iterdir()}
    code, out, err = check(repo, capsys)
    assert (code, out) == expected[:2]
    assert err == ("followup: the cache folder .followup-cache/ is tracked by Git: not read, "
                   "not written (remove it from Git)\n")
    assert {p.name: p.read_bytes() for p in inside.iterdir()} == before
    assert check(repo, capsys, "--format", "human")[2] == ""  # one line per process, not per run


def test_the_cache_lives_outside_the_working_tree(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = cache_mod.cache_dir(repo)
    assert folder.parent == tmp_path / "xdg" / "followup"
    assert folder.name.startswith("repo-") and folder != cache_mod.cache_dir(tmp_path / "other")
    load_workspace(repo, dt.date(2026, 11, 22))
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == [".gitignore", "parse"]
    # (.followup-tmp is the writers' lock and temp folder, not a cache: store/atomic.py)
    assert sorted(p.name for p in repo.iterdir() if p.name != ".followup-tmp") == ["customers", "rules"]
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as XDG says
    assert cache_mod.cache_dir(repo).parent == Path.home() / ".cache" / "followup"
    monkeypatch.setenv(cache_mod.ENV_DIR, str(tmp_path / "ci"))
    assert cache_mod.cache_dir(repo) == tmp_path / "ci"


def test_every_sample_record_comes_back_equal(sample_repo):
    """Full and lean results of every sample file, encoded and decoded: equal, field by field."""
    from followup.rules.load import load_rules

    rules, _ = load_rules(sample_repo, {})
    for lean in (False, True):
        made = [parse_customer_file(p.relative_to(sample_repo).as_posix(), p.read_bytes(), rules,
                                    dt.date(2026, 11, 22), lean)
                for p in sorted((sample_repo / "customers").glob("*.md"))]
        assert results.decode(results.encode(made)) == made
        assert any(r.customer.log is LEAN_LOG for r in made) == lean


def test_free_yaml_values_come_back_as_they_were():
    value = {"date": dt.date(2026, 11, 2), "at": dt.datetime(2026, 11, 2, 9, 30,
                                                             tzinfo=dt.timezone(dt.timedelta(hours=8))),
             "list": [1, 2.5, True, None, "文本", ["l", "d"]], "key path": ("contacts", 0, "phone"),
             "numbers as keys": {1: "一", 2.5: "二点五", dt.date(2026, 1, 1): "元旦"},
             "inf": math.inf, "nested": {"m": {"d": "2026-11-02"}}, "$u": [1]}
    assert codec.loads(codec.dumps(codec.plain(value))) == value
    assert codec.loads(codec.dumps(codec.plain({"$d": "2026-11-02", "$m": 1}))) == {
        "$d": "2026-11-02", "$m": 1}  # a user's key that looks like a tag stays a key
    for crafted in ('{"$x": 1}', '{"$d": 20261102}', '{"$d": "2026-11-02T00"}', '{"$d": "2026-02-30"}',
                    '{"$m": [["only key"]]}', '{"$m": [[[1], 1]]}', '{"$t": 5}', '{"$u": 5}',
                    '[' * 100_000):
        with pytest.raises(codec.Undecodable):
            codec.loads(crafted.encode())
