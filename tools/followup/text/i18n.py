"""User-facing words: Chinese first, English available (``--lang en`` or FOLLOWUP_LANG=en).

Each problem code has a message and a hint saying what to do. Templates use
``str.format`` with the problem's params; a missing param renders as ``?``.
"""

from __future__ import annotations

import os
import string

# code: (zh message, zh hint, en message, en hint)
PROBLEMS: dict[str, tuple[str, str, str, str]] = {
    "FU001": ("文件不是 UTF-8 编码(在字节 {byte} 处)", "用 UTF-8 重新保存该文件(VS Code:右下角编码 → 以 UTF-8 保存)",
              "file is not UTF-8 (byte {byte})", "re-save the file as UTF-8"),
    "FU002": ("文件是空的", "填写客户资料,或删除该文件(删除请用 `followup archive`)",
              "file is empty", "fill in the customer, or archive it"),
    "FU003": ("没有 YAML 头部(第一行必须是 ---)", "在文件开头加上以 --- 开始和结束的客户资料块",
              "no front matter (the first line must be ---)", "start the file with a --- block"),
    "FU004": ("YAML 头部没有结束(缺少第二个 ---)", "在客户资料后加一行 ---",
              "front matter is not closed (missing the second ---)", "add a line --- after the facts"),
    "FU005": ("YAML 格式错误:{detail}", "检查这一行的缩进、冒号和引号",
              "YAML syntax error: {detail}", "check indentation, colons and quotes on this line"),
    "FU006": ("YAML 里用了制表符(Tab)缩进", "把 Tab 换成空格(两个空格一级)",
              "tab used for indentation in YAML", "replace tabs with spaces"),
    "FU007": ("重复的键:{detail}", "同一个键只能写一次;删掉或合并重复的那一行",
              "duplicate key: {detail}", "keep one of the two lines"),
    "FU008": ("别名展开过大(超过 {detail} 个节点)", "不要用 YAML 锚点/别名(& 和 *)复制大块内容",
              "alias expansion too large (over {detail} nodes)", "do not use anchors/aliases"),
    "FU009": ("文件过大({size} 字节,上限 {limit})", "把附件或长记录移出客户文件",
              "file too large ({size} bytes, limit {limit})", "move attachments out of the record"),
    "FU010": ("不支持的 YAML 标签或合并键:{detail}", "去掉 ! 开头的标签和 <<: 合并键,直接写值",
              "unsupported YAML tag or merge key: {detail}", "remove the tag; write plain values"),
    "FU011": ("YAML 头部必须是“键: 值”的映射", "每行写成 `键: 值`",
              "front matter must be a mapping of keys to values", "write `key: value` lines"),
    "FU012": ("不存在的日期:{detail}", "检查年月日(例如 2 月没有 30 日)",
              "impossible date: {detail}", "check the day and month"),
    "FU730": ("文件名不是 UTF-8:{name}", "用 UTF-8 文件名重新命名(客户 id 只用字母、数字、汉字、-、_、.)",
              "file name is not UTF-8: {name}", "rename it with a UTF-8 name"),
    "FU734": ("符号链接未读取:{name}(指向文件夹,或指向仓库之外)", "把客户文件直接放在 customers/ 下;不要用链接引入仓库外的资料",
              "symbolic link not read: {name} (a folder, or outside the repository)",
              "keep customer files in customers/ itself; links are not followed"),
    "FU101": ("缺少必填项 `{key}`", "添加 `{key}: …`",
              "missing required key `{key}`", "add `{key}: …`"),
    "FU102": ("`{key}` 的类型不对,应为 {expected}", "按示例格式改写该值",
              "`{key}` has the wrong type, expected {expected}", "rewrite the value as documented"),
    "FU103": ("id `{id}` 与文件名不一致(应为 `{expected}`)", "把 id 改成 `{expected}`,或重命名文件",
              "id `{id}` does not match the file name (`{expected}`)", "make them equal"),
    "FU104": ("id `{id}` 不是合法的标识(只允许字母、数字、汉字、-、_、.)", "改成例如 zhang-wei-001",
              "id `{id}` is not a valid slug", "use letters, digits, - _ ."),
    "FU105": ("负责人 `{owner}` 不在 rules/team.yaml 中", "改成团队里的销售 id{suggestion:( 是不是 `@`?)}",
              "owner `{owner}` is not in rules/team.yaml", "use a salesperson id{suggestion: (did you mean `@`?)}"),
    "FU106": ("`{fact}` 的值 `{value}` 不在允许范围内", "可选值:{allowed}",
              "`{fact}` value `{value}` is not allowed", "allowed: {allowed}"),
    "FU107": ("未知的键 `{key}`", "拼写错误?{suggestion:(是不是 `@`?)}如需新字段,请在剧本 facts 中定义",
              "unknown key `{key}`", "typo?{suggestion: (did you mean `@`?)} or define it as a fact"),
    "FU108": ("`{key}` 不是有效日期:`{value}`", "写成 YYYY-MM-DD,例如 2026-11-22",
              "`{key}` is not a valid date: `{value}`", "write YYYY-MM-DD"),
    "FU109": ("联系人格式不对({reason})", "联系人写成 {{name: 张三, phone: \"138…\"}},电话加引号",
              "contact is malformed ({reason})", "write {{name: …, phone: \"…\"}}"),
    "FU110": ("阶段 `{value}` 未在剧本中定义", "可选阶段:{allowed}",
              "stage `{value}` is not defined by the playbook", "stages: {allowed}"),
    "FU111": ("`{key}` 格式不对", "写成 {{until: 2026-12-01, reason: …}} 或 {{date: …, reason: …}}",
              "`{key}` is malformed", "write {{until: YYYY-MM-DD, reason: …}}"),
    "FU112": ("电话 `{value}` 不是有效的电话号码",
              "写成 11 位手机号或带区号的座机,如 \"138 1234 5678\"、\"0571-8888 1234 转 8\";"
              "1.39E+10 这样的科学计数法或少一位、多一位的号码是表格软件改坏的,请找回原号码;"
              "一个 phone 只写一个号码,另一个号码另起一个联系人",
              "phone `{value}` is not a valid phone number",
              "write an 11-digit mobile or a landline with its area code, e.g. \"138 1234 5678\", "
              "\"0571-8888 1234 ext. 8\"; 1.39E+10 or a digit too few or too many means a spreadsheet "
              "damaged it: find the original number; one number per phone, another number is "
              "another contact"),
    "FU113": ("邮箱 `{value}` 不是有效的邮箱地址", "写成 名字@域名,例如 zhangsan@example.com",
              "e-mail `{value}` is not a valid address", "write name@domain, e.g. zhangsan@example.com"),
    "FU201": ("跟进记录缺少日期或不是映射({reason})", "每条记录写成 {{date: 2026-11-22, channel: 电话, by: …, note: …}}",
              "log entry has no date or is not a mapping ({reason})", "write {{date:, channel:, by:, note:}}"),
    "FU202": ("跟进记录顺序错误:{date} 早于上一条 {previous}", "跟进记录按日期从旧到新追加在末尾",
              "log out of order: {date} is before {previous}", "append entries oldest first"),
    "FU203": ("跟进日期 {date} 在今天({today})之后", "只记录已经发生的跟进;计划请用 next:",
              "log date {date} is after today ({today})", "log what happened; plan with next:"),
    "FU204": ("未知的跟进方式 `{channel}`", "使用剧本 channels 中的方式{suggestion:(是不是 `@`?)}",
              "unknown channel `{channel}`", "use a channel from the playbook{suggestion: (did you mean `@`?)}"),
    "FU205": ("跟进人 `{by}` 不在 rules/team.yaml 中", "写销售的 id{suggestion:(是不是 `@`?)}",
              "`by` `{by}` is not in rules/team.yaml", "use a salesperson id{suggestion: (did you mean `@`?)}"),
    "FU206": ("跟进记录更新了未定义的字段 `{fact}`", "只能更新剧本 facts 中定义的字段",
              "log entry sets an undefined fact `{fact}`", "set only facts defined by the playbook"),
    "FU207": ("下次联系日期 {next} 早于本次跟进 {date}", "next: 必须在本次跟进当天或之后",
              "next contact {next} is before the entry's date {date}", "next: must be on or after date:"),
    "FU208": ("跟进日期 {date} 早于登记日期 {registered}", "检查登记日期或跟进日期",
              "log date {date} is before registration {registered}", "check both dates"),
    "FU301": ("等级过期:文件写的是 {stored},按规则应为 {computed}", "运行 `followup grade --write`",
              "stale tier: file says {stored}, rules give {computed}", "run `followup grade --write`"),
    "FU302": ("下次跟进日期过期:文件写的是 {stored},应为 {computed}", "运行 `followup grade --write`",
              "stale due date: file says {stored}, should be {computed}", "run `followup grade --write`"),
    "FU303": ("还没有计算等级和下次跟进日期", "运行 `followup grade --write`",
              "tier and due date not computed yet", "run `followup grade --write`"),
    "FU401": ("客户 id `{id}` 重复(另见 {other})", "每个客户只保留一个文件;合并或改 id",
              "duplicate customer id `{id}` (also {other})", "keep one file per customer"),
    "FU402": ("电话 {value} 同时出现在 {other}(负责人 {other_owner})", "可能是撞单:确认是否同一客户,按归属规则处理",
              "phone {value} also in {other} (owner {other_owner})", "possible duplicate; resolve by ownership rules"),
    "FU403": ("邮箱 {value} 同时出现在 {other}(负责人 {other_owner})", "可能是撞单:确认是否同一客户",
              "email {value} also in {other} (owner {other_owner})", "possible duplicate customer"),
    "FU405": ("微信 {value} 同时出现在 {other}(负责人 {other_owner})", "可能是撞单:确认是否同一客户",
              "WeChat {value} also in {other} (owner {other_owner})", "possible duplicate customer"),
    # spreadsheet damage to a phone cell, found by `followup import` (the row is not imported)
    "FU821": ("{cell}:{header} `{value}` 是科学计数法:表格软件已丢掉后几位数字,这一行不导入",
              "在原表格里把这一列设为“文本”格式并填回完整号码(CSV 按“显示”保存会写成 1.39E+10);"
              "丢掉的数字无法从这个文件恢复",
              "{cell}: {header} `{value}` is in scientific notation: the spreadsheet dropped its last "
              "digits; the row is not imported",
              "format the column as Text in the original sheet and enter the full numbers; the lost "
              "digits cannot be recovered from this file"),
    "FU822": ("{cell}:{header} `{value}` 被表格软件变成了日期,这一行不导入",
              "把这一列设为“文本”格式,填回原号码",
              "{cell}: {header} `{value}` was turned into a date by the spreadsheet; the row is not "
              "imported", "format the column as Text and enter the original number"),
    "FU823": ("{cell}:{header} `{value}` 有 {digits} 位数字,手机号是 11 位:少了或多了数字,这一行不导入",
              "核对原号码;座机请带区号,如 0571-8888 1234",
              "{cell}: {header} `{value}` has {digits} digits, a mobile number has 11: digits were lost "
              "or added; the row is not imported",
              "check the original number; write a landline with its area code, e.g. 0571-8888 1234"),
    "FU824": ("{cell}:{header} `{value}` 不是有效的电话号码,这一行不导入",
              "写成手机号或带区号的座机,分机写作“转 8”;或在映射文件里把这一列改为 notes",
              "{cell}: {header} `{value}` is not a valid phone number; the row is not imported",
              "write a mobile or a landline with its area code, an extension as `ext. 8`; or map the "
              "column to notes"),
    "FU501": ("找不到规则文件 {detail}", "检查 rules/followup.yaml 的 playbook: 路径",
              "rules file not found: {detail}", "check playbook: in rules/followup.yaml"),
    "FU502": ("未知的规则键 `{key}`", "{suggestion:(是不是 `@`?)}见 docs/rules.md",
              "unknown rules key `{key}`", "{suggestion:(did you mean `@`?) }see docs/rules.md"),
    "FU503": ("未知的评级方法 `{method}`", "可用方法:{allowed}{suggestion:(是不是 `@`?)}",
              "unknown grading method `{method}`", "methods: {allowed}{suggestion: (did you mean `@`?)}"),
    "FU504": ("规则引用了未定义的字段 `{fact}`", "先在 facts: 中定义它",
              "rule refers to an undefined fact `{fact}`", "define it under facts:"),
    "FU505": ("等级定义有问题({reason} {tier})", "等级 id 唯一、顺序从高到低,最后一级兜底(when: always)",
              "tiers are ill-formed ({reason} {tier})", "unique ids, best first, last one catches all"),
    "FU506": ("条件写法不对,应为 {expected}", "见 docs/rules.md 的条件写法",
              "condition is malformed, expected {expected}", "see docs/rules.md"),
    "FU507": ("必须恰好有一个分类 drives_followup: true(现在 {count} 个)", "在决定跟进节奏的分类上写 drives_followup: true",
              "exactly one classification must drive follow-up (found {count})", "set drives_followup: true on one"),
    "FU508": ("取值 `{value}` 不合法", "允许:{allowed}",
              "invalid value `{value}`", "allowed: {allowed}"),
    "FU509": ("团队配置有误({reason} {id})", "每个销售一行 {{id:, name:, capacity:}},id 唯一",
              "team entry is malformed ({reason} {id})", "one {{id:, name:, capacity:}} per person"),
    "FU511": ("{year} 年的法定节假日安排还不知道:春节、清明、端午、中秋及调休暂按普通日期计算(元旦、劳动节、国庆按固定日期放假)",
              "在 rules/calendar.yaml 的 extra_holidays / extra_workdays 中写入 {year} 年的放假和调休,并把 {year} 加入 declared_years;或升级 followup",
              "the public holidays of {year} are not known yet: Spring Festival, Qingming, Dragon Boat, Mid-Autumn and make-up days count as ordinary days (New Year, Labour Day and National Day are off on their fixed dates)",
              "list {year}'s days off and make-up days in extra_holidays / extra_workdays in rules/calendar.yaml and add {year} to declared_years, or upgrade followup"),
    "FU510": ("日历配置有误({reason}:{value})", "见 docs/rules.md 的日历部分",
              "calendar setting is wrong ({reason}: {value})", "see docs/rules.md"),
}


class _Params(dict):
    def __missing__(self, key):
        return "?"


class _Formatter(string.Formatter):
    """``{suggestion: (did you mean `@`?)}`` renders only when the value is non-empty."""

    def format_field(self, value, format_spec):
        if format_spec and "@" in format_spec:
            return format_spec.replace("@", str(value)) if value not in ("", None, "?") else ""
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def language(explicit: str | None = None) -> str:
    lang = explicit or os.environ.get("FOLLOWUP_LANG") or "zh"
    return "en" if lang.lower().startswith("en") else "zh"


def problem_text(code: str, params: dict, lang: str) -> tuple[str, str]:
    zh, zh_hint, en, en_hint = PROBLEMS.get(code, (code, "", code, ""))
    message, hint = (en, en_hint) if lang == "en" else (zh, zh_hint)
    values = _Params(params)
    return _FORMATTER.vformat(message, (), values), _FORMATTER.vformat(hint, (), values)


WORDS = {
    "zh": {
        "tier": "等级", "due": "下次跟进", "because": "原因", "why_not": "为什么不是",
        "not_filled": "未填写", "last_contact": "最近联系", "registered": "登记日期",
        "cadence_days": "每 {n} 天", "cadence_workdays": "每 {n} 个工作日", "postponed": "手动推迟",
        "manual_next": "手动设定的下次联系", "paused": "暂停至", "points": "分",
        "new_customer": "新客户,登记当日必须回访", "always": "其余情况",
        "cache_tracked": "followup:缓存目录 {folder} 已提交到 Git,不读取也不写入(请从 Git 中删除它)",
    },
    "en": {
        "tier": "tier", "due": "next follow-up", "because": "because", "why_not": "why not",
        "not_filled": "not filled in", "last_contact": "last contact", "registered": "registered",
        "cadence_days": "every {n} days", "cadence_workdays": "every {n} work days",
        "postponed": "postponed by hand", "manual_next": "next contact set by hand",
        "paused": "paused until", "points": "points",
        "new_customer": "new customer: call back on the day of registration", "always": "otherwise",
        "cache_tracked": "followup: the cache folder {folder} is tracked by Git: not read, not "
                         "written (remove it from Git)",
    },
}


def word(key: str, lang: str, **params) -> str:
    return WORDS[lang].get(key, key).format(**params)
