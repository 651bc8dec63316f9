"""Finding the customer files: every ``customers/**/*.md`` but README/index and ``_``/``.``
names, in the order of ``sorted(Path)`` (by path parts), which reports and caches rely on."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from followup.store.layout import customer_file_names


def test_the_order_is_sorted_paths_by_parts_and_skipped_names_are_left_out(tmp_path):
    kept = ["b/c.md", "b.md", "b-x.md", "b/a.md", "B.md", "a b.md", "b0/z.md", "张.md", "b.c/d.md",
            "b/deep/er/x.md"]
    skipped = ["README.md", "b/index.md", "_drafts/x.md", ".hidden/y.md", "b/_x.md", "notes.txt"]
    for rel in kept + skipped:
        path = tmp_path / "customers" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    expected = [str(p) for p in sorted(tmp_path / "customers" / rel for rel in kept)]
    assert customer_file_names(tmp_path) == expected
    assert customer_file_names(tmp_path)[:3] == [str(tmp_path / "customers" / r)
                                                 for r in ("B.md", "a b.md", "b/a.md")]


def test_no_customers_folder_means_no_files(tmp_path):
    assert customer_file_names(Path(tmp_path)) == []


def test_links_out_of_the_repository_and_folder_links_are_reported_not_followed(tmp_path):
    import os

    from followup.store.workspace import load_workspace

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "leak.md").write_text("---\nid: leak\n---\n", encoding="utf-8")
    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", root / "rules")
    (root / "customers").mkdir()
    (root / "notes.md").write_text("---\nid: notes\n---\n", encoding="utf-8")
    os.symlink(outside, root / "customers" / "folder-link")
    os.symlink(outside / "leak.md", root / "customers" / "leak.md")
    os.symlink("..", root / "customers" / "loop")
    os.symlink(root / "notes.md", root / "customers" / "notes.md")  # inside the repository: read
    ws = load_workspace(root, dt.date(2026, 11, 22), cache=False)
    assert [c.path for c in ws.customers] == ["customers/notes.md"]
    assert sorted((p.code, p.file) for p in ws.problems if p.code == "FU734") == [
        ("FU734", "customers/folder-link"), ("FU734", "customers/leak.md"), ("FU734", "customers/loop")]
