"""MkDocs hook: add followup's compact customer entries to Material's search index.

Customer pages carry ``search: {exclude: true}``, so Material's search plugin does not parse
them (a third of the build time at 10k customers); ``followup board`` writes one compact entry
per customer into ``site_src/.customer-search.json`` (masked and escaped), and this hook,
which `followup board` and `followup serve` load into MkDocs, appends them to the index after
the plugin has written it. A builder that ignores hooks still builds every page; only the
customer entries are then missing from its search.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

ENTRIES = ".customer-search.json"


@event_priority(-100)  # after Material's search plugin has written search_index.json
def on_post_build(config, **_kwargs) -> None:
    extra = Path(config["docs_dir"]) / ENTRIES
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if not extra.is_file() or not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    known = {doc.get("location") for doc in data.get("docs", [])}
    entries = json.loads(extra.read_text(encoding="utf-8"))
    data.setdefault("docs", []).extend(e for e in entries if e.get("location") not in known)
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
