"""``followup check --base REF``: judge a change the way a pull request review would.

The base is read from the repository's real Git history: ``git diff --name-status -M
REF`` (plus untracked files) says what changed, ``git archive REF`` gives the base
``rules/`` and ``customers/``, each loaded and graded exactly like the working tree.
Then, for every changed customer file:

* the ``log`` (and ``owner_history``) is append-only: an entry already on REF may
  not be edited or removed (FU723/FU724);
* a customer file is never deleted — archive it with ``followup archive ID``, which
  sets ``archived: {date, reason}`` — and a rename keeps the id (FU721/FU722);
* an owner change passes only where ``rules/ownership.yaml`` allows it: the old
  owner's protection had lapsed, or a manager's override is recorded in
  ``owner_history`` (FU725);
* a new registration that collides with an existing customer is reported with
  that customer's owner (FU726 error, or FU727 when the policy gives it to the new
  registrant).

The :class:`Summary` lists customers added, tier changes (B→A), due dates moved,
owner changes and conflicts; when ``rules/`` changed it also lists every customer
whose tier or due date the new rules move (impact preview: today's records graded
under the old rules and under the new). :func:`render_markdown` writes it for the
CI job summary or a PR comment.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from followup.engine.grading import grade_all
from followup.engine.ownership import decide_pair, owner_change_verdict, owner_history, owners_count
from followup.problems import Problem, problem
from followup.rules.load import load_rules
from followup.rules.ownership import Policy
from followup.store.layout import is_utf8
from followup.store.workspace import Workspace, customer_files, load_workspace, read_customer

RULE_TEXT = {
    "first_registration": ("先登记原则", "first registration wins"),
    "referral": ("转介绍归介绍人的销售", "referrals go to the referrer's salesperson"),
    "invalid_registration": ("无效登记不计归属", "an invalid registration does not count"),
    "lapsed": ("原负责人保护期已过", "the first owner's protection had lapsed"),
    "tie": ("同日登记,需经理裁定", "registered the same day: the manager decides"),
}


class GitError(Exception):
    """Git could not answer (not a repository, unknown REF)."""


def git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


@dataclass
class Change:
    status: str  # A, M, D, R
    old: str | None
    new: str | None


def _prefix(root: Path) -> str:
    """The repository root's path inside the Git work tree ('' or 'sub/dir/')."""
    return git(root, "rev-parse", "--show-prefix").decode().strip()


def changed_files(root: Path, ref: str) -> list[Change]:
    """What changed between ``ref`` and the working tree, paths relative to ``root``."""
    prefix = _prefix(root)
    out = git(root, "-c", "core.quotepath=off", "diff", "--name-status", "-M", "-z", ref, "--", ".")
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    changes, i = [], 0
    while i < len(parts) and parts[i]:
        status = parts[i][0]
        if status in "RC":
            old, new = parts[i + 1], parts[i + 2]
            i += 3
        else:
            old = new = parts[i + 1]
            i += 2
        old, new = _strip(old, prefix), _strip(new, prefix)
        if status == "A":
            old = None
        elif status == "D":
            new = None
        elif status == "C":
            status, old = "A", None
        changes.append(Change(status if status in "AMDR" else "M", old, new))
    untracked = git(root, "-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard", "-z",
                    "--", "customers", "rules").decode("utf-8", "surrogateescape").split("\0")
    changes += [Change("A", None, p) for p in untracked if p]
    return changes


def _strip(path: str, prefix: str) -> str:
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def show(root: Path, ref: str, path: str) -> bytes | None:
    """The bytes of ``path`` at ``ref``, or None when it did not exist there."""
    try:
        return git(root, "show", f"{ref}:./{path}")
    except GitError:
        return None


def materialise(root: Path, ref: str, dest: Path) -> bool:
    """Write ``rules/`` and ``customers/`` as of ``ref`` into ``dest``; False if REF has none."""
    git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    paths = [p for p in ("rules", "customers")
             if git(root, "ls-tree", "--name-only", ref, "--", p).strip()]
    dest.mkdir(parents=True, exist_ok=True)
    for p in ("rules", "customers"):
        (dest / p).mkdir(exist_ok=True)
    if "rules" not in paths:
        return False
    data = git(root, "archive", "--format=tar", ref, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return True


# --- the judgement ----------------------------------------------------------------------


@dataclass
class Row:
    id: str
    name: str
    path: str
    before: str = ""
    after: str = ""
    owner: str = ""


@dataclass
class Summary:
    base: str
    added: list[Row] = field(default_factory=list)
    archived: list[Row] = field(default_factory=list)
    tier_changes: list[Row] = field(default_factory=list)
    due_moves: list[Row] = field(default_factory=list)
    owner_changes: list[Row] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    rules_changed: list[str] = field(default_factory=list)
    impact: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _append_only(key: str, before: list, after: list, path: str) -> list[Problem]:
    problems = []
    for i, entry in enumerate(before):
        if i >= len(after):
            problems.append(problem("FU723", path, path=(key,), key=key, index=i + 1))
            break
        if after[i] != entry:
            problems.append(problem("FU724", path, path=(key, i), key=key, index=i + 1))
    return problems


def judge(root: Path, ref: str, head: Workspace, head_grades: dict, as_of: dt.date,
          lang: str = "zh") -> Summary:
    """Compare the working tree with ``ref``: problems and the change summary.

    The change is judged by the rules of ``ref`` (policy, team, calendar, playbook): a pull
    request that also changes ``rules/`` is reported as a rule change for review (FU731, with
    its impact), never judged by the rules it brings.
    """
    summary = Summary(ref)
    changes = _readable(changed_files(root, ref))
    authors = commit_authors(root, ref)
    with tempfile.TemporaryDirectory(prefix="followup-base-") as tmp:
        base_root = Path(tmp) / "base"
        has_rules = materialise(root, ref, base_root)
        base = _load_uncached(base_root, as_of)
        base_grades = (grade_all(base.customers, base.rules.playbook, base.rules.calendar)
                       if has_rules and base.rules else {})
        summary.rules_changed = sorted(c.new or c.old for c in changes
                                       if (c.new or c.old or "").startswith("rules/"))
        summary.problems += [problem("FU731", f, line=1, col=1, warning=True, base=ref)
                             for f in summary.rules_changed]
        if summary.rules_changed and has_rules and head.rules is not None:
            summary.impact = _impact(root, base_root, head, head_grades, as_of)
        if not (has_rules and base.rules):
            base = Workspace(root=root, rules=None)
        # inside the `with`: the base's documents may be read from disk on demand
        _removals(summary, changes, base, head)
        _judge_customers(summary, changes, base, base_grades, head, head_grades, as_of, authors)
    return summary


def _readable(changes: list[Change]) -> list[Change]:
    """The changes whose paths are UTF-8. A customer file with any other name is never loaded:
    the loader reports it (FU730), and a customer moved to such a name is a removal."""
    return [c for c in changes if all(p is None or is_utf8(p) for p in (c.old, c.new))]


def _removals(summary: Summary, changes: list[Change], base: Workspace, head: Workspace) -> None:
    """Every customer of the base that the working tree no longer loads is a removal: deleted
    (FU721), or moved where followup does not read it -- ``customers/_old/``, ``.trash/``,
    ``x.md.bak``, ``x.MD``, out of ``customers/`` (FU733). A rename to another customer file
    is not a removal (its id is judged by FU722)."""
    loaded = set(head_file_names(head.root))
    moved = {c.old: c.new for c in changes if c.status == "R"}
    for old in sorted(base.customers, key=lambda c: c.path):
        if old.path in loaded:
            continue
        target = moved.get(old.path)
        if target in loaded:
            continue
        if target is None:
            summary.problems.append(problem("FU721", old.path, line=1, col=1, base=summary.base, id=old.id))
        else:
            summary.problems.append(problem("FU733", target, line=1, col=1, moved_to=target, id=old.id))


def head_file_names(root: Path) -> list[str]:
    """The customer files the working tree loads, relative to ``root``."""
    from followup.store.layout import customer_file_names

    prefix = str(root) + "/"
    return [p[len(prefix):] if p.startswith(prefix) else p for p in customer_file_names(root)]


def commit_authors(root: Path, ref: str) -> dict[str, set[str]]:
    """``path -> e-mail addresses`` of the authors of the commits after ``ref`` that touched it,
    in one ``git log`` (uncommitted changes have no author and are not in here)."""
    prefix = _prefix(root)
    try:
        out = git(root, "-c", "core.quotepath=off", "log", "--format=@@%ae", "--name-only", f"{ref}..HEAD",
                  "--", ".")
    except GitError:
        return {}
    authors: dict[str, set[str]] = {}
    current = ""
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("@@"):
            current = line[2:].strip().lower()
        elif line:
            authors.setdefault(_strip(line, prefix), set()).add(current)
    return authors


def people_of(emails: set[str], team) -> set[str] | None:
    """The salespeople behind commit e-mails (``email:`` or ``github:`` in rules/team.yaml, GitHub
    noreply addresses included); None when any author is unknown, so nothing can be judged."""
    people = set()
    for email in emails:
        person = team.by_email(email) if team is not None else None
        if person is None:
            return None
        people.add(person)
    return people


def _load_uncached(root: Path, as_of: dt.date) -> Workspace:
    """Load a throw-away checkout without touching the parse cache."""
    try:
        return load_workspace(root, as_of, cache=False)
    except TypeError:  # a workspace loader without a cache
        return load_workspace(root, as_of)


def _impact(root: Path, base_root: Path, head: Workspace, head_grades: dict, as_of: dt.date) -> list[Row]:
    """Today's records under the base rules vs. the new rules: whom does the rule change move?"""
    old_rules, _ = load_rules(base_root)
    if old_rules is None:
        return []
    old_customers = []
    for path in customer_files(root):
        customer, _doc, _found = read_customer(root, path, old_rules, as_of)
        if customer is not None:
            old_customers.append(customer)
    old = Workspace(root=root, rules=old_rules, customers=old_customers)
    old_grades = grade_all(old.customers, old.rules.playbook, old.rules.calendar)
    rows = []
    for path, new in sorted(head_grades.items()):
        before = old_grades.get(path)
        if before is None or (before.tier, before.due) == (new.tier, new.due):
            continue
        c = new.customer
        rows.append(Row(c.id, c.name, path, f"{before.tier} {before.due}", f"{new.tier} {new.due}", c.owner))
    return rows


def _judge_customers(summary: Summary, changes: list[Change], base: Workspace, base_grades: dict,
                     head: Workspace, head_grades: dict, as_of: dt.date,
                     authors: dict[str, set[str]] | None = None) -> None:
    rules = base.rules or head.rules  # the target branch's rules decide
    policy = rules.policy if rules else Policy()
    team = rules.team if rules else None
    playbook = rules.playbook if rules else None
    base_by_path = {c.path: c for c in base.customers}
    head_by_path = {c.path: c for c in head.customers}
    holdings = owners_count(head.customers, policy.pool)
    authors = authors or {}
    for ch in sorted(changes, key=lambda c: (c.new or c.old or "")):
        path = ch.new or ch.old or ""
        if not path.startswith("customers/") or not path.endswith(".md") or ch.status == "D":
            continue  # removals: _removals
        if ch.status == "R" and PurePosixPath(ch.old).stem != PurePosixPath(ch.new).stem:
            summary.problems.append(problem("FU722", ch.new, path=("id",), old=PurePosixPath(ch.old).stem,
                                            new=PurePosixPath(ch.new).stem))
        after = head_by_path.get(ch.new)
        before = base_by_path.get(ch.old) if ch.old else None
        if after is None:
            continue  # unreadable now: the plain check reports why
        if before is None:
            _added(summary, after, base, head, head_grades, policy, team, playbook)
            continue
        committers = people_of(authors.get(ch.new, set()), team) if authors.get(ch.new) else None
        _modified(summary, before, after, base, head, base_grades, head_grades, policy, team, playbook,
                  holdings, as_of, committers)


def _added(summary, after, base, head, head_grades, policy, team, playbook) -> None:
    from followup.engine.identity import identities

    grade = head_grades.get(after.path)
    summary.added.append(Row(after.id, after.name, after.path, "", f"{grade.tier if grade else '-'} "
                             f"{grade.due if grade else '-'}", after.owner))
    mine = {(k, v): p for k, v, p in identities(after)}
    reported = set()
    for other in base.customers:
        if other.archived or other.id == after.id or other.path in reported:
            continue
        for kind, value, _ in identities(other):
            if (kind, value) not in mine:
                continue
            reported.add(other.path)
            winner, rule = decide_pair(after, other, policy, base, playbook)
            if winner is None and other.owner == after.owner:
                winner = after.owner
            zh, en = RULE_TEXT[rule]
            params = dict(other=other.path, other_name=other.name, other_owner=other.owner,
                          other_owner_name=team.name_of(other.owner) if team else other.owner,
                          kind=kind, value=value, rule=zh, rule_en=en)
            code = "FU727" if winner == after.owner and other.owner != after.owner else "FU726"
            if other.owner == after.owner:
                code = "FU726"
            p = problem(code, after.path, path=mine[(kind, value)], warning=code == "FU727", **params)
            summary.problems.append(p)
            summary.conflicts.append(p)
            break


def _modified(summary, before, after, base, head, base_grades, head_grades, policy, team, playbook,
              holdings, as_of, committers: set[str] | None = None) -> None:
    """``committers``: the salespeople who committed this change (None: unknown, e.g. not
    committed yet or an author without ``email:``/``github:`` in the team)."""
    old_data, new_data = base.front_matter(before.path), head.front_matter(after.path)
    for key in ("log", "owner_history"):
        old_list, new_list = old_data.get(key) or [], new_data.get(key) or []
        if isinstance(old_list, list) and isinstance(new_list, list):
            summary.problems += _append_only(key, old_list, new_list, after.path)
    if before.registered != after.registered:  # attribution history, like the log
        summary.problems.append(problem("FU728", after.path, path=("registered",),
                                        old=str(before.registered), new=str(after.registered)))
    if committers is not None and team is not None:
        _forged_entries(summary, before, after, committers, team)
    if after.archived and not before.archived:
        summary.archived.append(Row(after.id, after.name, after.path, owner=after.owner,
                                    after=str(after.archived.get("reason") or "")))
        if committers is not None and team is not None \
                and not committers & ({*before.owners, *team.managers}):
            summary.problems.append(problem("FU732", after.path, path=("archived",),
                                            owner_name=team.name_of(before.owner),
                                            authors=_names(committers, team)))
    if before.owner != after.owner and team is not None:
        history_before, _ = owner_history(old_data, before.path)
        history_after, _ = owner_history(new_data, after.path)
        base_grade = base_grades.get(before.path)
        ok, why = owner_change_verdict(before, after, policy, playbook, team, history_after, history_before,
                                       as_of, holdings, base_grade.tier if base_grade else None)
        summary.owner_changes.append(Row(after.id, after.name, after.path, before.owner, after.owner,
                                         why if ok else "refused:" + why))
        if not ok:
            summary.problems.append(problem(
                "FU725", after.path, path=("owner",), id=after.id, to=after.owner,
                from_name=team.name_of(before.owner), to_name=team.name_of(after.owner),
                reason=_reason(why)))
    old_g, new_g = base_grades.get(before.path), head_grades.get(after.path)
    if old_g and new_g:
        if old_g.tier != new_g.tier:
            summary.tier_changes.append(Row(after.id, after.name, after.path, old_g.tier, new_g.tier,
                                            after.owner))
        if old_g.due != new_g.due:
            summary.due_moves.append(Row(after.id, after.name, after.path, str(old_g.due), str(new_g.due),
                                         after.owner))


def _forged_entries(summary: Summary, before, after, committers: set[str], team) -> None:
    """A new log entry must be ``by:`` someone who committed it: nobody logs a follow-up in
    another salesperson's name (which would, e.g., keep that person's protection alive)."""
    known = len(before.log or [])
    for entry in (after.log or [])[known:]:
        if entry.by and entry.by not in committers:
            summary.problems.append(problem("FU729", after.path, path=("log", entry.index, "by"),
                                            by_name=team.name_of(entry.by),
                                            authors=_names(committers, team)))


def _names(people: set[str], team) -> str:
    return "、".join(team.name_of(p) for p in sorted(people))


def _reason(why: str) -> str:
    kind, _, detail = why.partition(":")
    return {"protected": f"保护期到 {detail} / protected until {detail}",
            "cooldown": f"回收冷却期到 {detail} / reclaim cooldown until {detail}",
            "cap": f"超过每人上限 {detail} / over the cap of {detail}",
            "locked": "经理已锁定 / locked by a manager"}.get(kind, why)


# --- the Markdown summary -------------------------------------------------------------------


def render_markdown(summary: Summary, team, lang: str = "zh", problems: list[Problem] | None = None) -> str:
    """The change summary as Markdown (CI job summary, PR comment); stable, sorted output."""
    from followup.text import problem_text

    zh = lang == "zh"
    name = team.name_of if team else (lambda x: x)

    def who(row: Row) -> str:
        return f"{row.name} (`{row.id}`)"

    counts = [
        ("新客户" if zh else "customers added", len(summary.added)),
        ("等级变化" if zh else "tier changes", len(summary.tier_changes)),
        ("跟进日期变化" if zh else "due dates moved", len(summary.due_moves)),
        ("负责人变更" if zh else "owner changes", len(summary.owner_changes)),
        ("归档" if zh else "archived", len(summary.archived)),
        ("撞单" if zh else "conflicts", len(summary.conflicts)),
    ]
    errors = [p for p in (problems if problems is not None else summary.problems) if p.is_error]
    title = f"## followup 变更摘要(对比 `{summary.base}`)" if zh else \
        f"## followup change summary (against `{summary.base}`)"
    lines = [title, "", " · ".join(f"{label} {n}" for label, n in counts)]
    lines.append("")
    lines.append((f"**{len(errors)} 个错误**,合并前需要修正。" if zh else
                  f"**{len(errors)} errors** to fix before merging.") if errors else
                 ("没有错误。" if zh else "No errors."))

    def table(heading: str, header: list[str], rows: list[list[str]]) -> None:
        if not rows:
            return
        lines.extend(["", f"### {heading}", "", "| " + " | ".join(header) + " |",
                      "|" + "|".join(" --- " for _ in header) + "|"])
        lines.extend("| " + " | ".join(r) + " |" for r in rows)

    table("新客户" if zh else "Customers added",
          ["客户", "负责人", "等级 / 下次跟进"] if zh else ["customer", "owner", "tier / due"],
          [[who(r), name(r.owner), r.after] for r in summary.added])
    table("等级变化" if zh else "Tier changes",
          ["客户", "负责人", "等级"] if zh else ["customer", "owner", "tier"],
          [[who(r), name(r.owner), f"{r.before} → {r.after}"] for r in summary.tier_changes])
    table("下次跟进日期变化" if zh else "Due dates moved",
          ["客户", "负责人", "下次跟进"] if zh else ["customer", "owner", "next follow-up"],
          [[who(r), name(r.owner), f"{r.before} → {r.after}"] for r in summary.due_moves])
    table("负责人变更" if zh else "Owner changes",
          ["客户", "变更", "依据"] if zh else ["customer", "change", "basis"],
          [[who(r), f"{name(r.before)} → {name(r.after)}", _basis(r.owner, zh)]
           for r in summary.owner_changes])
    table("归档" if zh else "Archived", ["客户", "原因"] if zh else ["customer", "reason"],
          [[who(r), r.after or "-"] for r in summary.archived])
    if summary.conflicts:
        lines.extend(["", "### " + ("撞单" if zh else "Conflicts"), ""])
        for p in summary.conflicts:
            message, _hint = problem_text(p.code, p.params, lang)
            lines.append(f"- `{p.file}`: {message}")
    if errors:
        lines.extend(["", "### " + ("错误" if zh else "Errors"), ""])
        for p in errors:
            message, hint = problem_text(p.code, p.params, lang)
            where = f"{p.file}:{p.line}" if p.line else p.file
            lines.append(f"- `{where}` {p.code} {message} — {hint}")
    if summary.rules_changed:
        files = ", ".join(f"`{f}`" for f in summary.rules_changed)
        lines.extend(["", "### " + ("规则变更影响" if zh else "Rule change impact"), "",
                      (f"改动了 {files}:{len(summary.impact)} 个客户的等级或下次跟进日期会变化。" if zh else
                       f"Changed {files}: the new rules move the tier or due date of "
                       f"{len(summary.impact)} customers.")])
        table("受影响的客户" if zh else "Customers the new rules move",
              ["客户", "负责人", "原规则", "新规则"] if zh else ["customer", "owner", "old rules", "new rules"],  # noqa: E501
              [[who(r), name(r.owner), r.before, r.after] for r in summary.impact])
    return "\n".join(lines) + "\n"


def _basis(code: str, zh: bool) -> str:
    kind, _, detail = code.partition(":")
    if kind == "refused":
        return ("❌ 不符合规则:" if zh else "❌ not allowed: ") + _reason(detail)
    return {"manager": "经理裁定" if zh else "manager's override",
            "lapsed": "保护期已过" if zh else "protection lapsed",
            "recycled": "回收到公海" if zh else "back to the public pool",
            "released": "负责人放回公海" if zh else "released by the owner"}.get(kind, code)
