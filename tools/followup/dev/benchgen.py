"""Realistic generated corpora for the benchmark (``followup bench``).

A corpus is a full followup repository in a folder: the ``rules/`` of the
repository the tool runs in (the default playbook) and N customer files of
about 6 KB each — Chinese names, companies and notes, 5–30 log entries, several
owners, contacts with phone numbers (a few shared between customers, so the
duplicate check has work to do), and a Markdown body. Stored ``tier``/``due`` are
computed with the real grader, so a fresh corpus checks clean.

Files are written as bytes from templates (no YAML dumper), so 100k customers
take seconds, not minutes. Generation is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉春梅海燕雪飞鹏宇浩然子涵欣怡"
_GIVEN_UNIQUE = "".join(dict.fromkeys(GIVEN))
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "苏州", "南京", "成都", "武汉", "宁波", "无锡", "佛山",
          "东莞", "青岛", "厦门", "合肥", "长沙", "郑州", "西安", "天津"]
TRADES = ["精密机械", "电子科技", "新材料", "贸易", "包装", "建材", "汽车配件", "医疗器械", "食品", "纺织",
          "化工", "物流", "家居", "照明", "五金"]
ROLES = ["采购经理", "总经理", "技术总监", "采购专员", "财务总监", "生产经理", "老板", "项目经理"]
SOURCES = ["展会", "转介绍", "电话", "网络", "老客户介绍"]
CHANNELS = ["电话", "电话", "电话", "微信", "微信", "到访", "邮件", "上门", "未接通", "视频", "会议"]
NOTES = [
    "客户对报价基本认可，希望在下个月的采购计划中落实，需要我们再提供一份详细的技术方案和交货周期说明。",
    "电话沟通了样品测试结果，对方技术部门反馈良好，但财务那边还在走审批流程，预计两周内会有结论。",
    "约了周四上午到公司拜访，带上新版产品手册和两个竞品对比的资料，重点介绍售后服务和备件供应。",
    "客户表示今年预算已经用完，明年一季度再考虑，先保持联系，节假日发个问候，别打扰太多。",
    "对方采购经理换人了，新来的负责人还不熟悉情况，需要重新建立关系，先加微信发一下公司介绍。",
    "展会上认识的，留了名片，对我们的自动化生产线很感兴趣，说回去和老板商量后再联系我们。",
    "今天没有接通，换个时间再打，备注一下对方上午一般在车间开会，下午三点以后比较方便。",
    "寄了样品过去，快递单号已经发给对方，提醒他们收到后尽快安排测试，有问题随时沟通。",
    "客户提出价格偏高，希望能给到九五折，已经向经理申请特价，等批复后再回复客户。",
    "合同草稿已经发过去，对方法务在审核付款条款，主要是关于质保金比例和验收标准的问题。",
    "老客户介绍来的，信任度比较高，需求明确，数量不大但是可以长期合作，争取本月内签单。",
    "视频会议演示了系统功能，对方技术总监提了几个定制化需求，需要回去和研发确认可行性。",
]
BODY = [
    "客户比较看重售后服务和交货周期，决策链较长，需要同时维护采购和技术两条线。",
    "公司规模中等，年采购额稳定，过去主要从竞争对手那里进货，对价格比较敏感。",
    "注意：老板每周一上午开例会，不要在这个时间打电话。春节前后是采购旺季。",
    "备忘：对方财务流程严格，发票和合同抬头必须一致，付款周期一般是月结六十天。",
]


def _names(n: int, rng: random.Random) -> tuple[str, str]:
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    # company names are unique (a shared name is a 撞单 the checks would report)
    k, size = n // len(CITIES), len(_GIVEN_UNIQUE)
    brand = "".join(_GIVEN_UNIQUE[(k // size**j) % size] for j in range(3))
    company = CITIES[n % len(CITIES)] + brand + rng.choice(TRADES) + "有限公司"
    return person, company


def _phone(rng: random.Random, n: int) -> str:
    # one customer in 500 shares a number with another one (a realistic 撞单 rate)
    base = n - 1 if n % 500 == 7 else n
    digits = f"13{base % 10}{(base * 7919) % 100000000:08d}"
    style = n % 3
    if style == 0:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 1:
        return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


def customer_record(n: int, owners: list[str], anchor: dt.date, rng: random.Random) -> dict:
    """The facts of customer ``n`` as plain data (what the YAML will read as)."""
    person, company = _names(n, rng)
    owner = owners[n % len(owners)]
    entries = rng.randint(5, 30)
    registered = anchor - dt.timedelta(days=rng.randint(entries + 5, 700))
    span = (anchor - registered).days
    days = sorted(rng.sample(range(span), entries))
    log = []
    for day in days:
        entry = {"date": registered + dt.timedelta(days=day), "channel": rng.choice(CHANNELS),
                 "by": owner if rng.random() < 0.9 else rng.choice(owners),
                 "note": "".join(rng.sample(NOTES, rng.randint(1, 3)))}
        log.append(entry)
    need = rng.choice(["clear", "clear", "potential", "none"])
    last = log[-1]["date"]
    return {
        "id": f"c{n:06d}",
        "name": company,
        "owner": owner,
        "registered": registered,
        "source": rng.choice(SOURCES),
        "contacts": [{"name": person, "role": rng.choice(ROLES), "phone": _phone(rng, n),
                      "decision_maker": rng.random() < 0.5}],
        "stage": str(rng.randint(0, 7)),
        "need": need,
        "expected_close": last + dt.timedelta(days=rng.randint(5, 300)),
        "deal_value": rng.randrange(10_000, 2_000_000, 1000),
        "log": log,
        "body": "\n\n".join(rng.sample(BODY, 2)),
    }


def render(record: dict, tier: str | None, due: dt.date | None) -> bytes:
    """The file's bytes, written from a template (block mappings, flow log entries)."""
    c = record["contacts"][0]
    lines = [
        "---",
        f"id: {record['id']}",
        f"name: {record['name']}",
        f"owner: {record['owner']}",
        f"registered: {record['registered'].isoformat()}",
        f"source: {record['source']}",
        "contacts:",
        f'  - {{name: {c["name"]}, role: {c["role"]}, phone: "{c["phone"]}", '
        f'decision_maker: {"true" if c["decision_maker"] else "false"}}}',
        f'stage: "{record["stage"]}"',
        f"need: {record['need']}  # 需求",
        f"expected_close: {record['expected_close'].isoformat()}",
        f"deal_value: {record['deal_value']}",
        "log:",
    ]
    for e in record["log"]:
        lines.append(f"  - {{date: {e['date'].isoformat()}, channel: {e['channel']}, by: {e['by']}, "
                     f"note: {e['note']}}}")
    if tier is not None:
        lines.append(f"tier: {tier}")
    if due is not None:
        lines.append(f"due: {due.isoformat()}")
    lines += ["---", record["body"], ""]
    return "\n".join(lines).encode("utf-8")


def generate(target: Path, count: int, rules_from: Path, anchor: dt.date, seed: int = 5) -> Path:
    """Write a repository with ``count`` customers into ``target``; return it."""
    from followup.engine.grading import grade_all
    from followup.engine.records import parse_customer
    from followup.rules.load import load_rules

    if target.exists():
        shutil.rmtree(target)
    (target / "customers").mkdir(parents=True)
    shutil.copytree(rules_from / "rules", target / "rules")
    owners = write_team(target, count)
    rules, _ = load_rules(target)
    rng = random.Random(seed)
    records = [customer_record(n, owners, anchor, rng) for n in range(count)]
    customers = []
    for r in records:
        data = {k: v for k, v in r.items() if k != "body"}
        customer, _ = parse_customer(data, f"customers/{_folder(r)}/{r['id']}.md", rules.playbook,
                                     rules.team, anchor)
        customers.append(customer)
    grades = grade_all(customers, rules.playbook, rules.calendar)
    folders = set()
    for r, c in zip(records, customers):
        folder = target / "customers" / _folder(r)
        if folder not in folders:
            folder.mkdir(exist_ok=True)
            folders.add(folder)
        g = grades[c.path]
        (folder / f"{r['id']}.md").write_bytes(render(r, g.tier, g.due))
    return target


PER_SALESPERSON = 800  # seed 003: about 1,000 customers each; stay under the cap


def write_team(target: Path, count: int) -> list[str]:
    """A team big enough for ``count`` customers: a manager, salespeople, the pool."""
    sales = max(3, -(-count // PER_SALESPERSON))
    rng = random.Random(count)
    lines = ["# generated by followup bench", "default_capacity: 60", "salespeople:",
             "  - {id: manager, name: 赵经理, team: 销售部, role: manager, capacity: 20}"]
    ids = []
    for i in range(sales):
        sid = f"s{i + 1:03d}"
        ids.append(sid)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        lines.append(f"  - {{id: {sid}, name: {name}, team: 销售{i % 4 + 1}组, capacity: 60}}")
    lines.append("  - {id: pool, name: 公海, role: pool, capacity: 0}")
    (target / "rules" / "team.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def _folder(record: dict) -> str:
    return record["owner"]  # sub-folders per owner, as teams do


def customer_paths(root: Path) -> list[Path]:
    return sorted((root / "customers").rglob("*.md"))


def touch_body(path: Path, stamp: str) -> None:
    """Change a file's content without changing its facts (an edited note in the body)."""
    path.write_bytes(path.read_bytes() + f"\n补充:{stamp}\n".encode())


def make_stale(path: Path) -> None:
    """Append a follow-up that changes the due date, so stored tier/due go stale."""
    raw = path.read_bytes()
    head, sep, rest = raw.partition(b"\ntier: ")
    last = head.rsplit(b"{date: ", 1)[1][:10].decode()
    day = dt.date.fromisoformat(last) + dt.timedelta(days=1)
    entry = f"\n  - {{date: {day.isoformat()}, channel: 电话, by: s001, note: 跟进补充}}".encode()
    path.write_bytes(head + entry + sep + rest)
