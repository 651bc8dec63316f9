"""Safe writes: change only what must change, atomically, and prove it.

``grade --write`` edits the computed keys ``tier`` and ``due`` *in place*: the
value token on its own line is replaced (or the key is added just before the
closing ``---``). Comments, key order, quoting, the BOM, CRLF line endings and
the Markdown body stay byte-identical — a surgical edit, not a re-dump.

Before anything touches the disk the new text is proven (as black's safe mode
does for code):

1. both readers (fast and ruamel round-trip) read the new text as exactly the old
   data with only the intended keys changed;
2. every line other than the edited ones is byte-identical;
3. applying the same edit again changes nothing.

Values are written by the one emitter, :mod:`followup.store.emit`; the proven bytes
are then written by :func:`followup.store.atomic.replace` (under the repository's
write lock, only if the file still has the bytes we read, read back afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass

from followup.store import emit, yaml12
from followup.store.atomic import WriteRefused
from followup.store.document import BOM, Document, split


@dataclass
class Edit:
    path: str
    old: bytes
    new: bytes

    @property
    def changed(self) -> bool:
        return self.old != self.new


def set_top_level(doc: Document, values: dict) -> str:
    """New full text (BOM excluded) with top-level ``values`` set in the front matter."""
    yaml_text = doc.yaml_text
    spans = yaml12.top_level_spans(yaml_text)
    replacements: list[tuple[int, int, str]] = []
    appended = []
    for key, value in values.items():
        if key in spans:
            start, end, node = spans[key]
            if node is None:
                raise WriteRefused(doc.path, f"`{key}` is not a single value")
            if node.style in ("|", ">") or "\n" in yaml_text[start:end]:
                raise WriteRefused(doc.path, f"`{key}` spans several lines")
            if start == end:  # `tier:` with no value: write after the colon
                replacements.append((start, end, " " + emit.scalar(value)))
            else:
                replacements.append((start, end, emit.scalar(value, node.style)))
        else:
            appended.append(f"{key}: {emit.scalar(value)}{doc.newline}")
    for start, end, text in sorted(replacements, reverse=True):
        yaml_text = yaml_text[:start] + text + yaml_text[end:]
    if appended and yaml_text and not yaml_text.endswith("\n"):
        yaml_text += doc.newline
    yaml_text += "".join(appended)
    return doc.text[:doc.yaml_start] + yaml_text + doc.text[doc.yaml_end:]


def _encode(doc: Document, text: str) -> bytes:
    return (BOM if doc.bom else b"") + text.encode("utf-8")


def prove(doc: Document, new_raw: bytes, expected_changes: dict) -> None:
    """Raise :class:`WriteRefused` unless ``new_raw`` differs from ``doc`` only as intended."""
    old_data = yaml12.load_fast(doc.yaml_text) or {}
    expected = dict(old_data)
    expected.update(expected_changes)
    new_doc = split(doc.path, new_raw)
    if not isinstance(new_doc, Document):
        raise WriteRefused(doc.path, "the edited file no longer has front matter")
    try:
        fast = yaml12.load_fast(new_doc.yaml_text)
        roundtrip, _ = yaml12.load_roundtrip(new_doc.yaml_text)
    except yaml12.YamlError as exc:
        raise WriteRefused(doc.path, f"the edited file does not parse ({exc})") from None
    for reader, data in (("fast", fast), ("round-trip", roundtrip)):
        if data != expected or list(data)[: len(old_data)] != list(old_data):
            raise WriteRefused(doc.path, f"the {reader} reader sees other changes than intended")
    if new_doc.body != doc.body or new_doc.bom != doc.bom:
        raise WriteRefused(doc.path, "the body or encoding would change")
    changed = _changed_lines(doc.text, new_doc.text)
    allowed = {str(k) for k in expected_changes}
    for line in changed:
        key = line.split(":", 1)[0].strip()
        if key not in allowed:
            raise WriteRefused(doc.path, f"an unrelated line would change: {line!r}")


def _changed_lines(old: str, new: str) -> list[str]:
    import difflib

    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            a=old.splitlines(keepends=True), b=new.splitlines(keepends=True),
            autojunk=False).get_opcodes():
        if tag != "equal":
            out += old.splitlines(keepends=True)[i1:i2] + new.splitlines(keepends=True)[j1:j2]
    return out


def plan_computed(doc: Document, values: dict) -> Edit:
    """The proven edit that sets ``values`` (computed keys) in ``doc``; may be a no-op."""
    current = yaml12.load_fast(doc.yaml_text) or {}
    if all(k in current and current[k] == v for k, v in values.items()):
        return Edit(doc.path, doc.raw, doc.raw)
    try:
        new_raw = _encode(doc, set_top_level(doc, values))
    except emit.NotWritable as exc:
        raise WriteRefused(doc.path, str(exc), exc.zh) from None
    prove(doc, new_raw, values)
    again = split(doc.path, new_raw)
    if _encode(again, set_top_level(again, values)) != new_raw:
        raise WriteRefused(doc.path, "a second run would change the file again")
    return Edit(doc.path, doc.raw, new_raw)
