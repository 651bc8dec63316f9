"""Teamwork commands: new, log, reassign, recycle, archive, codeowners.

Every edit is one regrade-and-write step of :mod:`followup.store.changes` (surgical,
written by the one emitter, proven with both YAML readers, written atomically under the
repository's write lock, which each writing command takes before it reads: ``writes``).
Nobody hand-writes YAML::

    followup new --name 张伟 --owner li-ming --phone "138 1234 5678" --source 展会
    followup log zhang-wei --channel 电话 --note 确认预算 --set need=clear --set expected_close=2026-12-20
    followup reassign zhang-wei --to wang-fang --by zhao-lei --reason 客户指定
    followup recycle            # show; --write makes the edits (a scheduled job opens a PR)
    followup archive zhang-wei --reason 已停业
    followup codeowners --write # .github/CODEOWNERS from rules/team.yaml `github:` handles
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from followup.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_TOOL, Run, command, graded, parse_date, writes

# The readers, the ownership rules and the writer are imported inside the functions that use
# them: every command module is imported to build the parser, and a `check` answered from its
# stored result should not pay for them (cli.py).


def _zh(run: Run) -> bool:
    return run.lang == "zh"


def _say(run: Run, zh: str, en: str, err: bool = False) -> None:
    print(zh if _zh(run) else en, file=sys.stderr if err else run.out)


def _find(run: Run, ws, cid: str):
    c = ws.customer(cid)
    if c is None:
        _say(run, f"找不到客户 {cid}", f"no customer {cid}", err=True)
    return c


def _refused(run: Run, path: str, exc) -> int:
    """One line for a write that did not happen (not proven, disk full, read-only, …)."""
    _say(run, f"{path}: 拒绝写入:{exc.words('zh')}", f"{path}: refused: {exc.words('en')}", err=True)
    return EXIT_PROBLEMS


def _apply(run: Run, ws, customer, *, values: dict | None = None, append: dict | None = None) -> int | None:
    """The regrade-and-write step (:func:`followup.store.changes.change`) for ``customer``'s file.
    Returns the exit code on failure, None on success (the new grade in ``run.grade``)."""
    from followup.store.changes import Refused, change
    from followup.store.writer import WriteRefused

    try:
        run.grade = change(ws, customer.path, values, append)
    except Refused as exc:
        from followup.store.workspace import locate
        from followup.text import problem_text

        for p in locate(exc.problems, {}):
            message, hint = problem_text(p.code, p.params, run.lang)
            _say(run, f"拒绝写入:{message} — {hint}", f"refused: {message} — {hint}", err=True)
        return EXIT_PROBLEMS
    except WriteRefused as exc:
        return _refused(run, customer.path, exc)
    return None


# --- new -------------------------------------------------------------------------------


def _new_args(p):
    p.add_argument("--name", help="customer or company name (客户名称)")
    p.add_argument("--owner", help="salesperson id (负责人)")
    p.add_argument("--id", help="file name / id (default: from the name)")
    p.add_argument("--contact", help="contact person's name (default: the customer name)")
    p.add_argument("--role", help="contact's role")
    p.add_argument("--phone")
    p.add_argument("--email")
    p.add_argument("--wechat")
    p.add_argument("--source", help="展会, 转介绍, 电话, 网络 …")
    p.add_argument("--referred-by", help="id of the customer who referred this one")
    p.add_argument("--registered", type=parse_date, help="registration date (default today)")
    p.add_argument("--set", action="append", default=[], metavar="FACT=VALUE",
                   help="a fact of the playbook, e.g. need=clear (repeatable)")
    p.add_argument("--folder", default="", help="sub-folder of customers/ (e.g. the owner)")


def _ask(run: Run, value, zh: str, en: str, required: bool = True):
    if value or not sys.stdin.isatty():
        return value
    answer = input((zh if _zh(run) else en) + ": ").strip()
    if required and not answer:
        return None
    return answer or None


def parse_set(ws, pairs: list[str]) -> dict:
    from followup.store import yaml12

    facts = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(pair)
        key, raw = pair.split("=", 1)
        key = key.strip()
        value = yaml12.load_fast(raw) if raw.strip() else None
        if key == "stage" and value is not None:
            value = str(value)  # stages are ids ("5"), never numbers
        facts[key] = value
    return facts


def _confined_folder(run: Run, folder: str) -> str | None:
    """``--folder`` as a path under customers/, or None (said why) when it is absolute, climbs
    with ``..`` or names a folder the loader skips (``_x``, ``.x``): a file there would be
    written outside the repository or never read."""
    parts = Path(folder).parts if folder else ()
    bad = Path(folder).is_absolute() or any(p in ("..", ".") or p.startswith(("_", ".")) for p in parts)
    if bad:
        _say(run, f"--folder {folder}:必须是 customers/ 下的子文件夹(不能是绝对路径、不能含 ..,"
                  "不能以 _ 或 . 开头)",
             f"--folder {folder}: must be a sub-folder of customers/ (not absolute, no `..`, "
             "not starting with _ or .)", err=True)
        return None
    return "/".join(parts)


def _skipped_id(cid: str) -> bool:
    """Ids whose file the loader skips (README.md, index.md, _x.md, .x.md)."""
    from followup.store.layout import SKIPPED_NAMES

    return f"{cid}.md".lower() in SKIPPED_NAMES or cid.startswith(("_", "."))


@command("new", "register a new customer (refuses a duplicate, naming its owner)", _new_args)
@writes()
def cmd_new(run: Run) -> int:
    from followup.engine.grading import grade_all
    from followup.engine.records import ID_PATTERN, parse_customer
    from followup.engine.registration import (
        at_cap,
        customer_id,
        free_id,
        referral_owner,
        valid_registration,
    )
    from followup.store import yaml12
    from followup.store.changes import create, errors_of
    from followup.store.emit import Quoted
    from followup.store.writer import WriteRefused

    ws = run.workspace()
    a = run.args
    name = _ask(run, a.name, "客户名称", "customer name")
    owner = _ask(run, a.owner, "负责人 id", "owner id")
    phone = _ask(run, a.phone, "电话", "phone", required=False)
    if not name or not owner:
        _say(run, "需要 --name 和 --owner", "--name and --owner are required", err=True)
        return EXIT_TOOL
    team = ws.rules.team
    policy = ws.rules.policy
    referrer = ws.customer(a.referred_by) if a.referred_by else None
    if a.referred_by and referrer is None:
        _say(run, f"找不到介绍人客户 {a.referred_by}", f"no referring customer {a.referred_by}", err=True)
        return EXIT_PROBLEMS
    if owner not in team.people:
        _say(run, f"负责人 {owner} 不在 rules/team.yaml 中", f"owner {owner} is not in rules/team.yaml",
             err=True)
        return EXIT_PROBLEMS
    expected = referral_owner(referrer, policy)
    if expected and expected != owner:
        _say(run, f"转介绍客户归介绍人 {referrer.name} 的负责人 {team.name_of(referrer.owner)}"
                  f"(--owner {referrer.owner})",
             f"a referral belongs to the referrer's salesperson {team.name_of(referrer.owner)} "
             f"(--owner {referrer.owner})", err=True)
        return EXIT_PROBLEMS
    registered = a.registered or run.as_of(ws)
    contact = {"name": a.contact or name}
    for key in ("role", "phone", "email", "wechat"):
        value = phone if key == "phone" else getattr(a, key)
        if value:
            contact[key] = Quoted(value) if key == "phone" else str(value)
    data = {"id": "", "name": name, "owner": owner, "registered": registered,
            "source": a.source or ("转介绍" if referrer else "")}
    if not data["source"]:
        del data["source"]
    if referrer:
        data["referred_by"] = referrer.id
    data["contacts"] = [contact]
    try:
        data.update(parse_set(ws, a.set))
    except (ValueError, yaml12.YamlError) as exc:
        _say(run, f"--set 写成 事实=值:{exc}", f"--set takes FACT=VALUE: {exc}", err=True)
        return EXIT_TOOL
    data["log"] = []
    cid = a.id or customer_id(name)
    if not ID_PATTERN.match(cid) or _skipped_id(cid):
        _say(run, f"id `{cid}` 不合法(或是会被跳过的文件名),用 --id 指定",
             f"id `{cid}` is not valid (or a file name the loader skips); give --id", err=True)
        return EXIT_TOOL
    folder = _confined_folder(run, a.folder)
    if folder is None:
        return EXIT_TOOL
    taken = {c.id for c in ws.customers}
    if not a.id:
        cid = free_id(cid, lambda i: i in taken)
    elif cid in taken:
        _say(run, f"id {cid} 已存在", f"id {cid} already exists", err=True)
        return EXIT_PROBLEMS
    data["id"] = cid
    rel = (Path("customers") / folder / f"{cid}.md").as_posix()
    probe, _ = parse_customer(data, rel, ws.rules.playbook, team, None)
    clash = _collision(ws, probe, policy)
    if clash:
        return _refuse_duplicate(run, ws, clash, policy)
    errors = errors_of(ws, data, rel)
    if errors:
        from followup.text import problem_text

        for p in errors:
            message, hint = problem_text(p.code, p.params, run.lang)
            _say(run, f"拒绝:{message} — {hint}", f"refused: {message} — {hint}", err=True)
        return EXIT_PROBLEMS
    if at_cap(owner, ws.customers, policy):
        _say(run, f"{team.name_of(owner)} 名下客户已达上限 {policy.max_customers}",
             f"{team.name_of(owner)} already holds the maximum of {policy.max_customers}", err=True)
        return EXIT_PROBLEMS
    grade = grade_all([*ws.customers, probe], ws.rules.playbook, ws.rules.calendar)[rel]
    data["tier"], data["due"] = grade.tier, grade.due
    comment = "由 followup new 创建;跟进请用 followup log(log 只追加)"
    try:
        create(ws, rel, data, comment=comment)
    except WriteRefused as exc:
        return _refused(run, rel, exc)
    if not valid_registration(probe) and policy.require_name_and_phone:
        _say(run, "注意:没有真实姓名和电话的登记是无效登记,撞单时不计归属",
             "note: without a real name and phone the registration is invalid for attribution")
    _say(run, f"已登记 {rel}:{name},负责人 {team.name_of(owner)},等级 {grade.tier},下次跟进 {grade.due}",
         f"registered {rel}: {name}, owner {team.name_of(owner)}, tier {grade.tier}, due {grade.due}")
    return EXIT_OK


def _collision(ws, probe, policy):
    """The registered customer ``probe`` would duplicate (a strong identity first, else the
    company name), or None. Archived customers are history, not owners."""
    from followup.engine.registration import Registry, keys_of

    return Registry(c for c in ws.customers if not c.archived).match(keys_of(probe)[1:])


def _refuse_duplicate(run: Run, ws, clash, policy) -> int:
    from followup.engine.ownership import history_of, protection

    other, kind, value = clash.customer, clash.kind, clash.value
    team = ws.rules.team
    prot = protection(other, policy, ws.rules.playbook, history_of(ws, other))
    as_of = run.as_of(ws)
    state_zh = (f"保护期到 {prot.expires}" if prot.expires and not prot.lapsed(as_of)
                else "保护期已过,可由经理或 followup reassign 转给你" if prot.expires else "已锁定")
    state_en = (f"protected until {prot.expires}" if prot.expires and not prot.lapsed(as_of)
                else "protection lapsed; ask for `followup reassign`" if prot.expires else "locked")
    _say(run, f"撞单:{kind} {value} 已登记为 {other.path}({other.name}),负责人 "
              f"{team.name_of(other.owner)},登记于 {other.registered};{state_zh}",
         f"duplicate (撞单): {kind} {value} is already {other.path} ({other.name}), owner "
         f"{team.name_of(other.owner)}, registered {other.registered}; {state_en}", err=True)
    return EXIT_PROBLEMS


# --- log ---------------------------------------------------------------------------------


def _log_args(p):
    p.add_argument("id")
    p.add_argument("--channel", help="电话, 微信, 到访 …")
    p.add_argument("--note", default="")
    p.add_argument("--by", help="salesperson id (default: the owner)")
    p.add_argument("--date", type=parse_date, help="day of the follow-up (default today)")
    p.add_argument("--outcome")
    p.add_argument("--next", type=parse_date, help="set the next contact date by hand")
    p.add_argument("--set", action="append", default=[], metavar="FACT=VALUE",
                   help="update a fact, e.g. need=clear (repeatable); recorded in the entry too")


@command("log", "append a follow-up to a customer, re-grade, print the new tier and due date", _log_args)
@writes()
def cmd_log(run: Run) -> int:
    from followup.store import yaml12

    ws = run.workspace()
    c = _find(run, ws, run.args.id)
    if c is None:
        return EXIT_PROBLEMS
    if c.path in ws.erroneous_files():
        _say(run, f"{c.path} 有错误,先运行 followup check 修正", f"{c.path} has errors; fix them first",
             err=True)
        return EXIT_PROBLEMS
    a = run.args
    channel = _ask(run, a.channel, "跟进方式(电话/微信/到访…)", "channel")
    if not channel:
        _say(run, "需要 --channel", "--channel is required", err=True)
        return EXIT_TOOL
    try:
        facts = parse_set(ws, a.set)
    except (ValueError, yaml12.YamlError) as exc:
        _say(run, f"--set 写成 事实=值:{exc}", f"--set takes FACT=VALUE: {exc}", err=True)
        return EXIT_TOOL
    entry = {"date": a.date or run.as_of(ws), "channel": channel, "by": a.by or c.owner}
    if a.note:
        entry["note"] = a.note
    if a.outcome:
        entry["outcome"] = a.outcome
    if facts:
        entry["set"] = facts
    if a.next:
        entry["next"] = a.next
    old_tier, old_due = c.stored_tier, c.stored_due
    failed = _apply(run, ws, c, values=facts, append={"log": [entry]})
    if failed is not None:
        return failed
    g = run.grade
    _say(run, f"{c.path}:已记录。等级 {old_tier or '-'} → {g.tier},下次跟进 {old_due or '-'} → {g.due}",
         f"{c.path}: logged. tier {old_tier or '-'} → {g.tier}, next follow-up {old_due or '-'} → {g.due}")
    return EXIT_OK


# --- reassign / archive -------------------------------------------------------------------


def _reassign_args(p):
    p.add_argument("id")
    p.add_argument("--to", required=True, help="the new owner's id (or the pool)")
    p.add_argument("--by", help="a manager's id: records a manager's override")
    p.add_argument("--reason", default="")


@command("reassign", "change a customer's owner as the ownership policy allows", _reassign_args)
@writes()
def cmd_reassign(run: Run) -> int:
    from followup.engine.ownership import history_of, owner_change_verdict, owners_count

    ws = run.workspace()
    c = _find(run, ws, run.args.id)
    if c is None:
        return EXIT_PROBLEMS
    team = ws.rules.team
    a = run.args
    if a.to not in team.people:
        _say(run, f"{a.to} 不在 rules/team.yaml 中", f"{a.to} is not in rules/team.yaml", err=True)
        return EXIT_PROBLEMS
    if a.to == c.owner:
        _say(run, "负责人没有变化", "the owner is unchanged")
        return EXIT_OK
    if a.by and a.by not in team.managers:
        _say(run, f"{a.by} 不是经理(rules/team.yaml role: manager)",
             f"{a.by} is not a manager (role: manager in rules/team.yaml)", err=True)
        return EXIT_PROBLEMS
    policy = ws.rules.policy
    as_of = run.as_of(ws)
    history = history_of(ws, c)
    # without --by: the new owner takes it over, or the owner releases it to the pool
    handover = {"date": as_of, "from": c.owner, "to": a.to,
                "by": a.by or (c.owner if a.to == policy.pool else a.to)}
    if a.reason:
        handover["reason"] = a.reason
    from followup.engine.ownership import Handover

    after = dataclasses.replace(c, owner=a.to)
    new_history = [*history, Handover(len(history), as_of, c.owner, a.to, handover["by"], a.reason)]
    holdings = owners_count(ws.customers, policy.pool)
    holdings[a.to] = holdings.get(a.to, 0) + 1
    ok, why = owner_change_verdict(c, after, policy, ws.rules.playbook, team, new_history, history,
                                   as_of, holdings)
    if not ok:
        _say(run, f"不允许转给 {team.name_of(a.to)}:{_why(why, 'zh')};经理可用 --by 经理id 记录裁定",
             f"not allowed to move to {team.name_of(a.to)}: {_why(why, 'en')}; a manager may override "
             "with --by MANAGER", err=True)
        return EXIT_PROBLEMS
    failed = _apply(run, ws, c, values={"owner": a.to}, append={"owner_history": [handover]})
    if failed is not None:
        return failed
    _say(run, f"{c.path}:负责人 {team.name_of(c.owner)} → {team.name_of(a.to)}(已记录 owner_history)",
         f"{c.path}: owner {team.name_of(c.owner)} → {team.name_of(a.to)} (recorded in owner_history)")
    return EXIT_OK


def _why(reason: str, lang: str) -> str:
    kind, _, detail = reason.partition(":")
    words = {
        "protected": (f"保护期到 {detail}", f"protected until {detail}"),
        "cooldown": (f"回收冷却期到 {detail}", f"reclaim cooldown until {detail}"),
        "cap": (f"超过每人上限 {detail}", f"over the cap of {detail}"),
        "locked": ("经理已锁定该客户", "locked by a manager"),
    }.get(kind, (reason, reason))
    return words[0] if lang == "zh" else words[1]


def _archive_args(p):
    p.add_argument("id")
    p.add_argument("--reason", default="")


@command("archive", "archive a customer (files are never deleted): sets archived: {date, reason}",
         _archive_args)
@writes()
def cmd_archive(run: Run) -> int:
    ws = run.workspace()
    c = _find(run, ws, run.args.id)
    if c is None:
        return EXIT_PROBLEMS
    if c.archived:
        _say(run, f"{c.path} 已于 {c.archived.get('date')} 归档", f"{c.path} was archived on "
             f"{c.archived.get('date')}")
        return EXIT_OK
    value = {"date": run.as_of(ws)}
    if run.args.reason:
        value["reason"] = run.args.reason
    failed = _apply(run, ws, c, values={"archived": value})
    if failed is not None:
        return failed
    _say(run, f"{c.path}:已归档({value['date']})", f"{c.path}: archived ({value['date']})")
    return EXIT_OK


# --- recycle ------------------------------------------------------------------------------


REASONS = {
    "protection": ("保护期已过", "protection lapsed"),
    "no_followup": ("超期未跟进", "no follow-up in time"),
    "no_deal": ("超期未成交", "no deal in time"),
}


@command("recycle", "customers going back to the public pool (公海); --write makes the edits",
         lambda p: p.add_argument("--write", action="store_true", help="make the owner changes"))
@writes(when=lambda args: args.write)
def cmd_recycle(run: Run) -> int:
    from followup.engine.ownership import RECYCLE_ACTOR, recycle_plan
    from followup.rules.ownership import POLICY_FILE
    from followup.store.workspace import locate

    ws = run.workspace()
    broken_policy = [p for p in ws.problems if p.file == POLICY_FILE and p.is_error]
    if broken_policy:  # the policy decides who goes to the pool: never act on a broken one
        from followup.cli.report import render

        run.print(render(locate(broken_policy, ws.sources), "human", run.lang, run.out))
        return EXIT_PROBLEMS
    grades = graded(ws)
    policy = ws.rules.policy
    as_of = run.as_of(ws)
    team = ws.rules.team
    plan = recycle_plan(ws, grades, policy, as_of)
    broken = ws.erroneous_files()
    due = [r for r in plan if not r.warning]
    soon = [r for r in plan if r.warning]
    zh = _zh(run)
    for r in due:
        c = r.customer
        reason = REASONS[r.reason][0 if zh else 1]
        line = (f"{c.path}:{c.name}({team.name_of(c.owner)})→ 公海:{reason}(截至 {r.when})" if zh
                else f"{c.path}: {c.name} ({team.name_of(c.owner)}) → pool: {reason} (as of {r.when})")
        run.print(line)
    for r in soon:
        c = r.customer
        reason = REASONS[r.reason][0 if zh else 1]
        run.print(f"{c.path}:{c.name}({team.name_of(c.owner)})将于 {r.when} 后回收:{reason}" if zh
                  else f"{c.path}: {c.name} ({team.name_of(c.owner)}) goes to the pool after {r.when}: "
                       f"{reason}")
    written = failed = 0
    if run.args.write:
        if policy.pool not in team.people:
            _say(run, f"公海 `{policy.pool}` 不在 rules/team.yaml 中", f"the pool `{policy.pool}` is not "
                 "in rules/team.yaml", err=True)
            return EXIT_PROBLEMS
        for r in due:
            c = r.customer
            if c.path in broken:
                failed += 1
                continue
            handover = {"date": as_of, "from": c.owner, "to": policy.pool, "by": RECYCLE_ACTOR,
                        "reason": REASONS[r.reason][0]}
            result = _apply(run, ws, c, values={"owner": policy.pool}, append={"owner_history": [handover]})
            if result is None:
                written += 1
            else:
                failed += 1
    if zh:
        run.print(f"{len(due)} 个客户应回收到公海,{len(soon)} 个即将回收" +
                  (f";已改 {written} 个,失败 {failed} 个。" if run.args.write else "。"))
    else:
        run.print(f"{len(due)} customers go back to the pool, {len(soon)} soon" +
                  (f"; {written} written, {failed} failed." if run.args.write else "."))
    return EXIT_PROBLEMS if failed else EXIT_OK


# --- codeowners ---------------------------------------------------------------------------


def codeowners_text(ws) -> str:
    """CODEOWNERS: each customer file needs its owner's (and co-owners') review; rules/ the managers'."""
    team = ws.rules.team
    handle = {p.id: f"@{p.github}" for p in team.people.values() if p.github}
    managers = " ".join(handle[m] for m in team.managers if m in handle)
    lines = ["# Generated by `followup codeowners` from rules/team.yaml (github: handles). Do not edit.",
             "# 由 followup codeowners 生成:每个客户文件需要其负责人审核。", ""]
    if managers:
        lines += [f"/rules/ {managers}", f"/.github/ {managers}", ""]
    missing = set()
    for c in sorted(ws.customers, key=lambda c: c.path):
        owners = [handle[o] for o in c.owners if o in handle]
        missing |= {o for o in c.owners if o not in handle}
        reviewers = owners or ([managers] if managers else [])
        if reviewers:
            lines.append(f"/{c.path} {' '.join(reviewers)}")
    if missing:
        lines.insert(2, f"# no github handle for: {', '.join(sorted(missing))} (their files need a manager)")
    return "\n".join(lines) + "\n"


def _codeowners_args(p):
    p.add_argument("--write", action="store_true", help="write the file (default: print it)")
    p.add_argument("--output", default=".github/CODEOWNERS")
    p.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")


@command("codeowners", "generate CODEOWNERS so each salesperson reviews changes to their customers",
         _codeowners_args)
@writes(when=lambda args: args.write)
def cmd_codeowners(run: Run) -> int:
    from followup.store import atomic

    ws = run.workspace()
    text = codeowners_text(ws)
    target = ws.root / run.args.output
    if run.args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            _say(run, f"{run.args.output} 已过期:运行 followup codeowners --write",
                 f"{run.args.output} is out of date: run followup codeowners --write", err=True)
            return EXIT_PROBLEMS
        return EXIT_OK
    if not run.args.write:
        run.out.write(text)
        return EXIT_OK
    raw = text.encode("utf-8")
    if target.is_file():
        atomic.replace(ws.root, target, None, raw)
    else:
        atomic.create(ws.root, target, raw)
    _say(run, f"已写入 {run.args.output}", f"wrote {run.args.output}")
    return EXIT_OK


# --- check --base (hooked into `followup check` in commands/core.py) -----------------------


def base_judgement(run: Run, ws, grades):
    """The :class:`~followup.git.review.Summary` of the change against ``--base``; None if git failed."""
    from followup.git.review import GitError, judge

    try:
        return judge(ws.root, run.args.base, ws, grades, run.as_of(ws), run.lang)
    except GitError as exc:
        _say(run, f"无法读取 git 基线 {run.args.base}:{exc}",
             f"cannot read the git base {run.args.base}: {exc}", err=True)
        return None


def finish_base_judgement(run: Run, ws, change, problems) -> None:
    """Print the change summary (people) and write it as Markdown (``--summary FILE``)."""
    from followup.git.review import render_markdown

    team = ws.rules.team if ws.rules else None
    text = render_markdown(change, team, run.lang, problems)
    if run.args.format == "human":
        run.print("")
        run.print(text.rstrip("\n"))
    if run.args.summary:
        path = Path(run.args.summary)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:  # $GITHUB_STEP_SUMMARY is appended to
            handle.write(text)
