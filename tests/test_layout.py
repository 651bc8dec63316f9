"""Finding the customer files: every ``customers/**/*.md`` but README/index and ``_``/``.``
names, in the order of ``sorted(Path)`` (by path parts), which reports and caches rely on."""

from __future__ import annotations

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
