"""Record edits without hand-written YAML: new files, appended log entries, owner changes.

Same spirit as :mod:`followup.store.writer` (which edits computed keys): the edit is
*surgical* — a new log item is inserted as text after the last item of the
``log:`` block, in the style the file already uses (flow ``- {date: …}`` or block
items), with the file's indentation and line endings; changed scalars are
replaced in place. Nothing is re-dumped, so comments, quoting and key order stay.

Then the edit is proven before it is written:

1. both YAML readers (fast and ruamel round-trip) read the new text as exactly the
   old data plus the intended change (old keys keep their order);
2. no old line disappears except the value lines of the keys we meant to change —
   so every comment survives;
3. the Markdown body and the BOM are unchanged.

Example: appending ``{date: 2026-11-22, channel: 电话, by: li-ming, note: 约了周五}``
to a file whose log reads ``- {date: 2026-11-10, …}  # 预算确认`` adds one line
after that one and changes ``tier``/``due`` in place; the comment stays.
"""

from __future__ import annotations

import difflib
import re

from followup.store import emit, yaml12
from followup.store.document import BOM, Document, split
from followup.store.writer import Edit, WriteRefused, set_top_level

_DASH = re.compile(r"^([ \t]*)-[ \t]")


def _line_end(text: str, pos: int) -> int:
    """Index just after the line holding ``pos`` (after its newline)."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def append_items(yaml_text: str, key: str, items: list[dict], newline: str, path: str = "") -> str:
    """``yaml_text`` with ``items`` appended to the top-level block list ``key``."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    root = yaml12.compose(yaml_text)
    if not isinstance(root, MappingNode):
        raise WriteRefused(path, "the front matter is not a mapping")
    pair = next(((k, v) for k, v in root.value if isinstance(k, ScalarNode) and k.value == key), None)
    if pair is None:  # no such key yet: add it at the end of the front matter
        text = yaml_text if not yaml_text or yaml_text.endswith("\n") else yaml_text + newline
        return text + f"{key}:{newline}" + "".join(emit.item(i, "  ", newline) for i in items)
    key_node, value = pair
    if isinstance(value, ScalarNode) and value.value in ("", "~", "null") and not value.style:
        # `log:` with nothing, or `log: ~` — the items go on the lines after the key
        pos = _line_end(yaml_text, key_node.end_mark.index)
        line = yaml_text[key_node.start_mark.index:pos]
        start, end = value.start_mark.index, value.end_mark.index
        if start < pos and end > start:  # drop the `~` / `null` token
            line = yaml_text[key_node.start_mark.index:start].rstrip(" \t") + yaml_text[end:pos]
        if not line.endswith("\n"):
            line += newline
        rendered = "".join(emit.item(i, "  ", newline) for i in items)
        return yaml_text[:key_node.start_mark.index] + line + rendered + yaml_text[pos:]
    if not isinstance(value, SequenceNode):
        raise WriteRefused(path, f"`{key}` is not a list")
    if value.flow_style:
        if value.value:
            raise WriteRefused(path, f"`{key}` is written as a one-line [..] list; "
                               "write one item per line (- …) and run again")
        start, end = value.start_mark.index, value.end_mark.index  # `[]`
        line_start = yaml_text.rfind("\n", 0, start) + 1
        key_line = yaml_text[line_start:start].rstrip(" \t")
        pos = _line_end(yaml_text, end)
        rest = yaml_text[end:pos]
        if not rest.endswith("\n"):
            rest += newline
        rendered = "".join(emit.item(i, "  ", newline) for i in items)
        return yaml_text[:line_start] + key_line + rest + rendered + yaml_text[pos:]
    first, last = value.value[0], value.value[-1]
    first_line = yaml_text[yaml_text.rfind("\n", 0, first.start_mark.index) + 1:
                           _line_end(yaml_text, first.start_mark.index)]
    match = _DASH.match(first_line)
    if match is None:
        raise WriteRefused(path, f"cannot find the `- ` of the `{key}` items")
    indent = match.group(1)
    flow = isinstance(last, MappingNode) and bool(last.flow_style)
    if not isinstance(last, MappingNode):
        raise WriteRefused(path, f"the items of `{key}` are not mappings")
    end = last.end_mark.index
    while end > 0 and yaml_text[end - 1] in " \t\r\n":
        end -= 1
    pos = _line_end(yaml_text, max(end - 1, 0))
    text = yaml_text
    if pos == len(text) and not text.endswith("\n"):
        text += newline
        pos = len(text)
    rendered = "".join(emit.item(i, indent, newline, block=not flow) for i in items)
    return text[:pos] + rendered + text[pos:]


def _encode(doc: Document, text: str) -> bytes:
    return (BOM if doc.bom else b"") + text.encode("utf-8")


def _read_both(path: str, raw: bytes):
    new_doc = split(path, raw)
    if not isinstance(new_doc, Document):
        raise WriteRefused(path, "the edited file no longer has front matter")
    try:
        fast = yaml12.load_fast(new_doc.yaml_text)
        roundtrip, _ = yaml12.load_roundtrip(new_doc.yaml_text)
    except yaml12.YamlError as exc:
        raise WriteRefused(path, f"the edited file does not parse ({exc})") from None
    return new_doc, fast, roundtrip


def prove_data(doc: Document, new_raw: bytes, expected: dict, changed_keys: set[str]) -> None:
    """Raise :class:`WriteRefused` unless ``new_raw`` reads as ``expected`` and keeps every other line."""
    old_data = yaml12.load_fast(doc.yaml_text) or {}
    new_doc, fast, roundtrip = _read_both(doc.path, new_raw)
    for reader, data in (("fast", fast), ("round-trip", roundtrip)):
        if data != expected:
            raise WriteRefused(doc.path, f"the {reader} reader sees other changes than intended")
        if [k for k in data if k in old_data] != list(old_data):
            raise WriteRefused(doc.path, f"the {reader} reader sees the keys in another order")
    if new_doc.body != doc.body or new_doc.bom != doc.bom:
        raise WriteRefused(doc.path, "the body or encoding would change")
    old_lines = doc.text.splitlines(keepends=True)
    new_lines = new_doc.text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            for line in old_lines[i1:i2]:
                key = line.split(":", 1)[0].strip()
                if key not in changed_keys:
                    raise WriteRefused(doc.path, f"an unrelated line would change: {line!r}")


def plan_edit(doc: Document, *, values: dict | None = None, append: dict | None = None) -> Edit:
    """The proven edit that sets top-level scalars ``values`` and appends ``append[key]`` items.

    >>> # plan_edit(doc, values={"tier": "A", "due": day}, append={"log": [entry]})
    """
    try:
        return _plan_edit(doc, values or {}, append or {})
    except emit.NotWritable as exc:  # a lone surrogate: bytes that were not UTF-8
        raise WriteRefused(doc.path, str(exc), exc.zh) from None


def _plan_edit(doc: Document, values: dict, append: dict) -> Edit:
    old_data = yaml12.load_fast(doc.yaml_text) or {}
    yaml_text = doc.yaml_text
    for key, items in append.items():
        if items:
            yaml_text = append_items(yaml_text, key, items, doc.newline, doc.path)
    scalars = {k: v for k, v in values.items() if not isinstance(v, (dict, list))}
    for key, value in values.items():
        if key in scalars:
            continue
        if key in old_data:
            raise WriteRefused(doc.path, f"`{key}` is already set; change it by hand")
        if yaml_text and not yaml_text.endswith("\n"):
            yaml_text += doc.newline
        yaml_text += f"{emit.scalar(key)}: {emit.flow(value)}{doc.newline}"
    text = doc.text[:doc.yaml_start] + yaml_text + doc.text[doc.yaml_end:]
    staged = split(doc.path, _encode(doc, text))
    if not isinstance(staged, Document):
        raise WriteRefused(doc.path, "the edited file no longer has front matter")
    if scalars:
        text = set_top_level(staged, scalars)
    new_raw = _encode(doc, text)
    expected = dict(old_data)
    for key, items in append.items():
        expected[key] = list(old_data.get(key) or []) + [yaml12.to_plain(i) for i in items]
    expected.update(yaml12.to_plain(values))
    prove_data(doc, new_raw, expected, set(values) | set(append))
    return Edit(doc.path, doc.raw, new_raw)


def prove_new(path: str, raw: bytes, expected: dict) -> None:
    _doc, fast, roundtrip = _read_both(path, raw)
    for reader, data in (("fast", fast), ("round-trip", roundtrip)):
        if data != expected:
            raise WriteRefused(path, f"the {reader} reader does not read back what was meant")
