"""Rebuild ``cases.json`` from a checkout of the official YAML test suite's ``data`` branch.

    git clone -b data https://github.com/yaml/yaml-test-suite /tmp/yaml-test-suite-data
    python tests/yaml_suite/generate.py /tmp/yaml-test-suite-data

Only what the agreement test needs is kept, per case: its id (``229Q`` or ``2JQS/00``), name,
input YAML, whether the suite calls it an error, and the expected JSON text (one JSON value per
document, absent when the suite gives none). The suite is MIT-licensed (``LICENSE`` here).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def cases(root: Path) -> list[dict]:
    found = []
    for in_yaml in sorted(root.glob("**/in.yaml")):
        folder = in_yaml.parent
        in_json = folder / "in.json"
        found.append({
            "id": folder.relative_to(root).as_posix(),
            "name": (folder / "===").read_text(encoding="utf-8").strip(),
            "yaml": in_yaml.read_bytes().decode("utf-8"),
            "error": (folder / "error").exists(),
            "json": in_json.read_text(encoding="utf-8") if in_json.exists() else None,
        })
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0], "229Q", "in.yaml").exists():
        print("usage: generate.py <checkout of yaml-test-suite, branch data>", file=sys.stderr)
        return 2
    found = cases(Path(argv[0]))
    text = json.dumps(found, ensure_ascii=False, indent=0, sort_keys=True)
    (HERE / "cases.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(found)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
