"""A Markdown file with YAML front matter, read byte-exactly.

    ---            <- line 1: the opening delimiter
    id: zhang-wei  <- YAML front matter (facts)
    ---            <- closing delimiter (``...`` also closes)
    free notes     <- Markdown body, never parsed as YAML

A UTF-8 BOM and CRLF line endings are normal here: they are remembered so the
writer can put them back. Anything that stops us from reading the file is a
:class:`~followup.problems.Problem` value, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from followup.problems import Problem, problem
from followup.store import yaml12

MAX_FILE_BYTES = 1_000_000  # a customer file of 1 MB is a mistake (pasted attachment, log dump)
BOM = b"\xef\xbb\xbf"
_OPEN = re.compile(r"---[ \t]*(\r?\n|$)")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\r?$", re.M)
# a closing line after the first: the leading newline lets the regex engine jump from
# newline to newline instead of trying every character of the front matter
_CLOSE_AFTER = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r?$", re.M)


@dataclass
class Document:
    path: str
    raw: bytes
    text: str  # decoded, BOM removed
    bom: bool
    newline: str
    yaml_start: int  # character index in ``text`` where the YAML begins
    yaml_end: int  # character index of the closing delimiter line
    first_line: int  # 1-based file line of the first YAML line

    @property
    def yaml_text(self) -> str:
        return self.text[self.yaml_start:self.yaml_end]

    @property
    def body(self) -> str:
        return self.text[self.yaml_end:].split("\n", 1)[1] if "\n" in self.text[self.yaml_end:] else ""

    def file_position(self, yaml_line: int, yaml_col: int) -> tuple[int, int]:
        return yaml_line + self.first_line - 1, yaml_col

    def locate(self, key_path: tuple) -> tuple[int, int]:
        return self.file_position(*yaml12.locate(self.yaml_text, key_path))


def split(path: str, raw: bytes) -> Document | Problem:
    """Find the front matter in ``raw``; a Problem says why there is none."""
    if len(raw) > MAX_FILE_BYTES:
        return problem("FU009", path, line=1, col=1, size=len(raw), limit=MAX_FILE_BYTES)
    bom = raw.startswith(BOM)
    payload = raw[len(BOM):] if bom else raw
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = payload[: exc.start].count(b"\n") + 1
        col = exc.start - (payload.rfind(b"\n", 0, exc.start) + 1) + 1
        return problem("FU001", path, line=line, col=col, byte=f"0x{payload[exc.start]:02x}")
    if not text or text.isspace():
        return problem("FU002", path, line=1, col=1)
    opening = _OPEN.match(text)
    if opening is None:
        return problem("FU003", path, line=1, col=1)
    yaml_start = opening.end()
    closing = _CLOSE.match(text, yaml_start)  # an empty front matter
    if closing is not None:
        yaml_end = yaml_start
    else:
        closing = _CLOSE_AFTER.search(text, yaml_start)
        if closing is None:
            return problem("FU004", path, line=1, col=1)
        yaml_end = closing.start() + 1
    newline = "\r\n" if text.find("\r\n", 0, closing.end() + 2) >= 0 else "\n"
    return Document(path=path, raw=raw, text=text, bom=bom, newline=newline,
                    yaml_start=yaml_start, yaml_end=yaml_end, first_line=2)


def read_front_matter(doc: Document) -> tuple[dict | None, list[Problem]]:
    """Parse the front matter with the fast reader. Returns ``(data, problems)``."""
    try:
        data = yaml12.load_fast(doc.yaml_text)
    except yaml12.YamlError as exc:
        # one impossible date stops the reader; the others are found too, so that a file
        # with several is fixed in one run, not one run per date
        errors = (yaml12.impossible_dates(doc.yaml_text) if exc.code == "FU012" else []) or [exc]
        return None, [problem(e.code, doc.path, line=line, col=col, detail=e.detail)
                      for e in errors for line, col in [doc.file_position(e.line, e.col)]]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [problem("FU011", doc.path, line=doc.first_line, col=1)]
    return data, []


def load(path: str, raw: bytes) -> tuple[Document | None, dict | None, list[Problem]]:
    """Split and parse one file: ``(document, front matter data, problems)``."""
    doc = split(path, raw)
    if isinstance(doc, Problem):
        return None, None, [doc]
    data, problems = read_front_matter(doc)
    return doc, data, problems


@dataclass
class Source:
    """Enough of a file to turn a key path into a line and column."""

    yaml_text: str
    first_line: int
    _node: object = field(default=None, repr=False)

    def locate(self, key_path: tuple) -> tuple[int, int]:
        if self._node is None:
            try:
                self._node = yaml12.compose(self.yaml_text)
            except yaml12.YamlError as exc:
                return exc.line + self.first_line - 1, exc.col
        line, col = yaml12.locate_in(self._node, key_path)
        return line + self.first_line - 1, col
