"""Which column means what: proposed from the headers, kept in an editable YAML file.

``followup import 客户表.xlsx`` writes ``客户表.mapping.yaml`` beside the sheet the
first time, and reads it on every later run, so a team corrects a guess once::

    sheet: Sheet1
    header_row: 2
    columns:            # 表头: 字段
      客户名称: name
      联系人: contact.name
      手机: contact.phone
      客户等级: notes     # the sheet's own grade is kept as a note; tiers come from the rules
      跟进记录: log
      某个没用的列: ignore
    owners:             # 表格里的负责人 → rules/team.yaml 的销售 id
      李明: li-ming
      小周: ~           # unknown: write an id, or leave ~ and the rows are not imported
    defaults: {owner: ~, source: ~}

Targets are the core keys of a customer file, ``contact.*``, the playbook's facts
by name, and ``log`` (free-text follow-ups), ``last_contact``, ``next``, ``notes``,
``ignore``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from followup.problems import Problem, problem
from followup.store import yaml12
from followup.store.emit import scalar
from followup.transfer.table import HEADER_SCAN, Table
from followup.transfer.values import normalise_header, text_of

CORE_TARGETS = ("id", "name", "owner", "registered", "source", "stage", "deal_value", "referred_by")
CONTACT_TARGETS = ("contact.name", "contact.role", "contact.phone", "contact.email", "contact.wechat")
EXTRA_TARGETS = ("log", "last_contact", "next", "notes", "ignore")
MULTI_TARGETS = ("notes", "ignore", "log", "contact.phone", "contact.email")  # may share

# header words -> targets in order of preference (the next one is used when the first is taken)
SYNONYMS: dict[str, tuple[str, ...]] = {}


def _words(targets: tuple[str, ...], *words: str) -> None:
    for w in words:
        SYNONYMS[normalise_header(w)] = targets


_words(("id",), "编号", "客户编号", "客户id", "id", "customerid", "客户代码", "编码")
_words(("name", "contact.name"), "客户名称", "客户名", "客户", "公司", "公司名称", "单位", "单位名称",
       "企业", "企业名称", "客户单位", "name", "customer", "company", "customername", "companyname",
       "account")
_words(("contact.name", "name"), "联系人", "联系人姓名", "姓名", "客户姓名", "contact", "contactname",
       "contactperson", "联系人名称")
_words(("contact.role",), "职务", "职位", "岗位", "联系人职务", "title", "role", "position", "jobtitle")
_words(("contact.phone",), "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式",
       "联系人电话", "联系人手机", "座机", "phone", "mobile", "tel", "telephone", "cellphone",
       "phonenumber")
_words(("contact.email",), "邮箱", "电子邮箱", "电子邮件", "邮件", "联系人邮箱", "email", "e-mail",
       "mail", "emailaddress")
_words(("contact.wechat",), "微信", "微信号", "联系人微信", "wechat", "weixin", "wechatid")
_words(("owner",), "负责人", "业务员", "销售", "销售员", "销售人员", "客户经理", "跟进人", "归属",
       "归属人", "所属销售", "负责销售", "负责人id", "owner", "salesperson", "sales", "accountmanager",
       "ownerid", "rep")
_words(("source",), "来源", "客户来源", "渠道", "获客渠道", "来源渠道", "source", "leadsource")
_words(("registered",), "登记日期", "登记时间", "录入日期", "录入时间", "创建日期", "创建时间",
       "建档日期", "首次登记", "首次登记日期", "registered", "created", "createdate", "createdon",
       "dateregistered", "registrationdate")
_words(("notes",), "客户等级", "等级", "级别", "客户级别", "客户分类", "分类", "tier", "grade", "level",
       "class", "备注", "说明", "其他", "notes", "note", "remark", "remarks", "comment", "comments")
_words(("last_contact",), "最近跟进", "最近跟进时间", "最近跟进日期", "跟进时间", "跟进日期",
       "最后跟进", "最后跟进时间", "最近联系", "最近联系时间", "最近联系日期", "上次联系",
       "上次跟进", "lastcontact", "lastfollowup", "lastcontacted", "lastcontactdate")
_words(("log",), "跟进记录", "跟进情况", "跟进内容", "沟通记录", "拜访记录", "跟进", "跟进备注",
       "followup", "followups", "followupnotes", "log", "history", "activity")
_words(("deal_value",), "金额", "预计金额", "合同金额", "成交金额", "意向金额", "商机金额",
       "预计成交金额", "value", "amount", "dealvalue", "dealsize", "金额元")
_words(("stage",), "阶段", "销售阶段", "销售进程", "进程", "进度", "stage", "pipeline", "pipelinestage")
_words(("next",), "下次跟进", "下次跟进时间", "下次跟进日期", "下次联系", "下次联系时间", "下次拨打",
       "下次拨打时间", "计划跟进", "计划跟进日期", "nextfollowup", "next", "nextcontact", "nextcall")
_words(("expected_close",), "预计成交", "预计成交日期", "预计成交时间", "预计签约", "预计签约日期",
       "expectedclose", "closedate", "expectedclosedate")
_words(("need",), "需求", "客户需求", "需求情况", "need")
_words(("ignore",), "序号", "no", "#", "行号", "逾期天数", "daysoverdue", "归档日期", "archived")


@dataclass
class Mapping:
    columns: dict[str, str]  # header key -> target
    owners: dict[str, str | None] = field(default_factory=dict)
    defaults: dict[str, str | None] = field(default_factory=dict)
    sheet: str = ""
    header_row: int = 1
    encoding: str = ""
    path: Path | None = None


def targets_for(facts: dict) -> tuple[str, ...]:
    return (*CORE_TARGETS, *CONTACT_TARGETS, *[f for f in facts if f not in CORE_TARGETS],
            *EXTRA_TARGETS)


def _match(header: str, facts: dict) -> tuple[str, ...]:
    key = normalise_header(header)
    if not key:
        return ()
    for name, fact in facts.items():  # the playbook's own words first: its facts by name or label
        if key in (normalise_header(name), normalise_header(fact.label)):
            return (name,)
    if key in SYNONYMS:
        return SYNONYMS[key]
    contained = [w for w in SYNONYMS if len(w) >= 2 and w in key]
    if contained:
        return SYNONYMS[max(contained, key=len)]
    return ()


def header_texts(table: Table, r: int) -> list[tuple[int, str]]:
    """``(column, text)`` of row ``r`` read as a header. In a two-row header whose upper
    row was not merged down (``客户名称`` in row 2 above an empty cell, ``联系人`` merged
    across 姓名 | 电话 in row 3), an empty cell takes the unmerged cell above it; a cell
    above that is merged across columns (a title, a group header) is not borrowed."""
    row = table.rows[r - 1] if 0 < r <= len(table.rows) else []
    above = table.rows[r - 2] if r > 1 else []
    out = []
    for col in range(1, max(len(row), len(above)) + 1):
        text = text_of(row[col - 1]) if col <= len(row) else ""
        if not text and r > 1 and (r - 1, col) not in table.merged_from and col <= len(above):
            text = text_of(above[col - 1])
        if text:
            out.append((col, text))
    return out


def header_keys(table: Table, header_row: int) -> list[tuple[int, str, str]]:
    """``(column, key, group)`` for each header cell; repeated headers get ``#2``, ``#3``."""
    seen: dict[str, int] = {}
    keys = []
    for col, text in header_texts(table, header_row):
        seen[text] = seen.get(text, 0) + 1
        key = text if seen[text] == 1 else f"{text}#{seen[text]}"
        group = table.group_header(header_row - 1, col) if header_row > 1 else ""
        keys.append((col, key, group))
    return keys


def find_header_row(table: Table, facts: dict) -> int:
    best, best_score = 1, 0
    for r in range(1, min(len(table.rows), HEADER_SCAN) + 1):
        distinct = {text for _col, text in header_texts(table, r)}
        score = sum(1 for c in distinct if _match(c, facts))
        if score > best_score:
            best, best_score = r, score
    return best


def propose(table: Table, facts: dict, team) -> Mapping:
    """A mapping guessed from the headers (and the owners seen in the owner column)."""
    header_row = find_header_row(table, facts)
    taken: set[str] = set()
    columns: dict[str, str] = {}
    allowed = set(targets_for(facts))
    for _col, key, group in header_keys(table, header_row):
        header = key.split("#")[0]
        choices = _match(header, facts)
        if group and (not choices or choices[0] in taken):
            choices = _match(group + header, facts) or choices
        choices = tuple(t for t in choices if t in allowed)
        target = next((t for t in choices if t in MULTI_TARGETS or t not in taken), None)
        if target is None:
            target = "notes"
        columns[key] = target
        taken.add(target)
    mapping = Mapping(columns, sheet=table.sheet, header_row=header_row, encoding=table.encoding)
    mapping.owners = propose_owners(table, mapping, team)
    mapping.defaults = {"owner": None, "source": None}
    return mapping


def propose_owners(table: Table, mapping: Mapping, team) -> dict[str, str | None]:
    cols = [col for col, key, _ in header_keys(table, mapping.header_row)
            if mapping.columns.get(key) == "owner"]
    owners: dict[str, str | None] = {}
    for row in table.rows[mapping.header_row:]:
        for col in cols:
            text = text_of(row[col - 1]) if col <= len(row) else ""
            if text and text not in owners:
                owners[text] = resolve_owner(text, team)
    return owners


def resolve_owner(text: str, team) -> str | None:
    if text in team.people:
        return text
    for person in team.people.values():
        if text == person.name:
            return person.id
    lowered = text.strip().lower()
    for person in team.people.values():
        if lowered in (person.id.lower(), person.name.strip().lower()):
            return person.id
    letters = re.sub(r"[^a-z]", "", lowered)  # "Li Ming", "liming" -> 李明 (li-ming)
    if letters:
        from pypinyin import lazy_pinyin

        for person in team.people.values():
            if letters in (re.sub(r"[^a-z]", "", person.id.lower()),
                           "".join(lazy_pinyin(person.name)).lower()):
                return person.id
    return None


# --- the mapping file -------------------------------------------------------------------

HEADER_COMMENT = """\
# 导入映射:{name}(由 `followup import` 生成;改好后重新运行 `followup import`)
# Import mapping for {name}: written by `followup import`; edit it and run the import again.
#
# columns: 表头 → 字段。可用字段 / targets:
#   {targets}
#   log = 跟进记录(按日期拆成跟进条目), last_contact = 最近跟进日期, next = 下次跟进日期,
#   notes = 写进客户文件正文, ignore = 不导入。
#   表格里的客户等级只作为备注保存:等级由 rules/ 里的剧本计算。
# owners: 表格里的负责人 → rules/team.yaml 的销售 id;~ 表示未知,这些行不会导入。
# defaults: 单元格为空时使用的值(例如 owner: li-ming)。
"""


def _scalar(value) -> str:
    return "~" if value is None else scalar(str(value))


def render_mapping(mapping: Mapping, sheet_name: str, facts: dict) -> str:
    targets = ", ".join(targets_for(facts))
    lines = [HEADER_COMMENT.format(name=sheet_name, targets=targets)]
    if mapping.sheet:
        lines.append(f"sheet: {_scalar(mapping.sheet)}")
    if mapping.encoding:  # detected on every run; a line `encoding: …` would force one
        lines.append(f"# 检测到的编码 / detected encoding: {mapping.encoding}")
    lines.append(f"header_row: {mapping.header_row}")
    lines.append("columns:")
    for key, target in mapping.columns.items():
        lines.append(f"  {_scalar(key)}: {_scalar(target)}")
    lines.append("owners:" if mapping.owners else "owners: {}")
    for raw, pid in mapping.owners.items():
        lines.append(f"  {_scalar(raw)}: {_scalar(pid)}" + ("    # 未知 / unknown" if pid is None else ""))
    lines.append("defaults:")
    for key, value in mapping.defaults.items():
        lines.append(f"  {_scalar(key)}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def load_mapping(path: Path, facts: dict, label: str) -> tuple[Mapping | None, list[Problem]]:
    """Read a mapping file; problems point at its lines (codes FU809)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = yaml12.load_fast(text)
    except UnicodeDecodeError:
        return None, [problem("FU809", label, line=1, col=1, reason="UTF-8")]
    except yaml12.YamlError as exc:
        return None, [problem("FU809", label, line=exc.line, col=exc.col, reason=exc.detail)]
    problems: list[Problem] = []

    def fail(path_: tuple, reason: str) -> None:
        line, col = yaml12.locate(text, path_)
        problems.append(problem("FU809", label, line=line, col=col, reason=reason))

    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        fail((), "columns:")
        return None, problems
    allowed = targets_for(facts)
    columns = {}
    for key, target in data["columns"].items():
        target = "ignore" if target is None else str(target)
        if target not in allowed:
            fail(("columns", key), f"{key}: {target} ∉ {{{', '.join(allowed)}}}")
            continue
        columns[str(key)] = target
    singles = [t for t in columns.values() if t not in MULTI_TARGETS]
    for target in sorted({t for t in singles if singles.count(t) > 1}):
        fail(("columns",), f"{target} ×{singles.count(target)}")
    owners = data.get("owners") or {}
    defaults = data.get("defaults") or {}
    if not isinstance(owners, dict):
        fail(("owners",), "owners: {表格里的名字: 销售id}")
        owners = {}
    if not isinstance(defaults, dict):
        fail(("defaults",), "defaults: {owner: …}")
        defaults = {}
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        fail(("header_row",), "header_row ≥ 1")
        header_row = 1
    mapping = Mapping(columns, {str(k): (None if v is None else str(v)) for k, v in owners.items()},
                      {str(k): (None if v is None else str(v)) for k, v in defaults.items()},
                      sheet=str(data.get("sheet") or ""), header_row=header_row,
                      encoding=str(data.get("encoding") or ""), path=path)
    return (None if problems else mapping), problems
