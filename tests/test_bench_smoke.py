"""The benchmark runs end to end on a tiny corpus (the real run is `followup bench`)."""

from __future__ import annotations

from followup.cli import main
from followup.dev import bench


def test_bench_smoke(tmp_path, capsys):
    results, text = bench.run([40], runs=1, board_max=0, work=tmp_path / "bench",
                              source=bench.Path(__file__).resolve().parent.parent, log=lambda *_: None)
    cases = [f.case for f in results[0].figures]
    assert cases[:6] == ["baseline (frontmatter)", "check cold", "check --no-cache", "check warm",
                         "check warm, 1% changed", "grade --write, 1% stale"]
    assert "| 40 | check warm |" in text and "× faster" in text
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nintro\n", encoding="utf-8")
    bench.write_docs(doc, text)
    bench.write_docs(doc, text)  # replaces the block, does not append a second one
    assert doc.read_text(encoding="utf-8").count(bench.MARK_BEGIN) == 1


def test_generated_corpus_checks_clean(tmp_path, capsys):
    root = bench.benchgen.generate(tmp_path / "c", 30, bench.Path(__file__).resolve().parent.parent,
                                   bench.ANCHOR)
    code = main(["check", "--root", str(root), "--as-of", str(bench.ANCHOR), "--no-cache"])
    out = capsys.readouterr().out
    assert code == 0, out
