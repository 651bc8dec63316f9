"""The one regrade-and-write step: plan a data change, re-grade, prove it, write it under the lock.

Every command that changes customer files goes through here -- ``new`` (:func:`create`),
``log``, ``reassign``, ``archive``, ``recycle`` (:func:`change`), ``grade --write`` and the
importer's re-grade (:func:`plan_grades` then :func:`write_all`), the importer's new files
(:func:`followup.store.atomic.create` with the emitter's text). The steps, in order:

1. *plan*: the front matter the file will have (``values`` set, ``append`` items added);
2. *refuse new errors*: the parser ``check`` uses must find no error the file did not
   already have (:class:`Refused` carries them, as Problem values);
3. *re-grade*: the customer as it will be, among the others as they are (a rank
   playbook grades on the whole population), and ``tier``/``due`` join the change;
4. *prove*: :mod:`followup.store.editing` builds the surgical text edit with the one emitter
   and both YAML readers must read it as exactly the data meant;
5. *write*: :func:`followup.store.atomic.replace` under the repository's write lock, only
   if the file still holds the bytes that were read.

Commands take the lock before they read the repository (``cli.writes``), so the bytes read
are the bytes on disk; the check in step 5 catches a program that does not take it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.store import atomic, yaml12
from followup.store.atomic import WriteRefused


class Refused(Exception):
    """The change would add errors to the file: ``problems`` (Problem values), nothing written."""

    def __init__(self, problems: list):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def errors_of(ws, data: dict, path: str) -> list:
    """The errors the record parser finds in front matter ``data`` at ``path``."""
    from followup.engine.records import parse_customer

    _c, problems = parse_customer(data, path, ws.rules.playbook, ws.rules.team, None)
    return [p for p in problems if p.is_error]


def regrade(ws, path: str, data: dict):
    """The grade of the customer ``path`` as if its front matter were ``data`` (others as they are)."""
    from followup.engine.grading import grade_all
    from followup.engine.records import parse_customer

    playbook = ws.rules.playbook
    customer, _ = parse_customer(data, path, playbook, ws.rules.team, None)
    population = any(c.method.needs_population for c in playbook.classifications.values())
    others = [c for c in ws.customers if c.path != path] if population else []  # e.g. rank
    return grade_all([*others, customer], playbook, ws.rules.calendar)[path]


def change(ws, path: str, values: dict | None = None, append: dict | None = None):
    """Steps 1-5 for the existing customer file ``path``; returns its new grade.
    Raises :class:`Refused` (new errors) or :class:`~followup.store.atomic.WriteRefused`."""
    from followup.store.editing import plan_edit

    with atomic.locked(ws.root):
        doc = ws.documents[path]
        data = dict(yaml12.load_fast(doc.yaml_text) or {})
        values = dict(values or {})
        future = dict(data)
        future.update(values)
        for key, items in (append or {}).items():
            future[key] = list(data.get(key) or []) + list(items)
        before = {(p.code, p.key_path) for p in errors_of(ws, data, path)}
        new_errors = [p for p in errors_of(ws, future, path) if (p.code, p.key_path) not in before]
        if new_errors:
            raise Refused(new_errors)
        grade = regrade(ws, path, future)
        values.update({"tier": grade.tier, "due": grade.due})
        edit = plan_edit(doc, values=values, append=append)
        atomic.replace(ws.root, ws.root / path, edit.old, edit.new)
    return grade


def create(ws, rel: str, data: dict, comment: str = "", body: str = "") -> bytes:
    """Write the new customer file ``rel`` holding ``data`` (already graded), proven with both
    readers; refuses an existing file. Returns the bytes written."""
    from followup.store import emit
    from followup.store.editing import prove_new

    try:
        raw = emit.document(data, body=body, comment=comment).encode("utf-8")
    except emit.NotWritable as exc:
        raise WriteRefused(rel, str(exc), exc.zh) from None
    prove_new(rel, raw, {k: yaml12.to_plain(v) for k, v in data.items()})
    atomic.create(ws.root, ws.root / rel, raw)
    return raw


# --- many files: grade --write and the importer's re-grade ---------------------------------


@dataclass
class Planned:
    path: str
    grade: object
    edit: object  # writer.Edit


@dataclass
class GradeWrite:
    """What planning and writing the computed keys of many files did."""

    planned: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) when planning
    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, WriteRefused]] = field(default_factory=list)  # (path, why) when writing
    not_written: list[str] = field(default_factory=list)  # planned, left as they were


def plan_grades(ws, grades: dict, result: GradeWrite | None = None) -> GradeWrite:
    """Prove the ``tier``/``due`` edit of every file whose stored values are not its grade.
    Nothing is written: a file that cannot be proven is refused before any file is touched."""
    from followup.store.writer import plan_computed

    result = result or GradeWrite()
    broken = ws.erroneous_files()
    for path, grade in sorted(grades.items()):
        doc = ws.documents.get(path)
        if path in broken or doc is None:
            continue
        if grade.customer.stored_tier == grade.tier and grade.customer.stored_due == grade.due:
            result.unchanged += 1  # the stored values are already these: no edit (and no re-read)
            continue
        try:
            edit = plan_computed(doc, {"tier": grade.tier, "due": grade.due})
        except WriteRefused as exc:
            result.refused.append((path, exc.reason))
            continue
        if edit.changed:
            result.planned.append(Planned(path, grade, edit))
        else:
            result.unchanged += 1
    return result


def write_all(ws, result: GradeWrite) -> GradeWrite:
    """Write every planned edit under the lock. The first failure (disk full, read-only, a file
    changed by another program) stops the run: the files written so far and the ones left are
    listed in ``result``, so nothing is in an unknown state."""
    folders = set()
    with atomic.locked(ws.root):
        for i, p in enumerate(result.planned):
            try:
                folders.add(atomic.replace(ws.root, ws.root / p.path, p.edit.old, p.edit.new,
                                           sync=False).parent)
            except WriteRefused as exc:
                result.failed.append((p.path, exc))
                result.not_written = [q.path for q in result.planned[i + 1:]]
                break
            result.written.append(p.path)
        for folder in folders:  # once a folder, not once a file
            atomic.sync_folder(folder)
    return result
