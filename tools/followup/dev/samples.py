"""The sample customers shipped in ``customers/``, dated relative to an anchor day.

A template repository whose demo data is frozen in time decays: a year later every
sample would be a year overdue. So the samples are *generated*: each one is
described by offsets in days from an anchor ("last call 3 days ago, expects to
close in 20 days"), and ``followup samples --anchor DAY`` writes them dated from
that day. ``tools/dev demo`` anchors them at today; the tests anchor them at
2026-11-22, so every expectation stays fixed. The generator is deterministic.

The set covers every tier of the default playbook, five salespeople, overdue and
due-today customers, a hand-set next date beyond the cadence, a paused customer,
brand-new registrations, a referral, an expired contract and two 撞单 conflicts
(one phone number registered by two salespeople).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from followup.store import atomic, emit
from followup.store.emit import Quoted

SAMPLE_MARK = "# sample customer (followup samples); delete it when you add your own"


@dataclass
class Spec:
    id: str
    name: str
    owner: str
    source: str
    need: str | None  # clear | potential | none | None (not yet known)
    close_in: int | None  # expected close, days after the last contact
    contacts_ago: list[int]  # days before the anchor of each follow-up, oldest first
    stage: str
    value: int | None
    contact: tuple[str, str, str]  # name, role, phone
    note: str = ""
    registered_ago: int | None = None
    next_in: int | None = None  # hand-set next contact, days after the last contact
    paused: tuple[int, str] | None = None  # (days from anchor, reason)
    referred_by: str = ""
    email: str = ""
    wechat: str = ""
    extra_log: list = field(default_factory=list)


COMPANIES = [
    ("haicheng-talc", "海城华晟滑石粉厂", "孙建国", "采购部经理"),
    ("anshan-steel-parts", "鞍山恒达汽配", "周立新", "总经理"),
    ("dalian-ocean-trade", "大连远洋贸易有限公司", "吴海燕", "采购主管"),
    ("shenyang-machinery", "沈阳重工机械厂", "郑国强", "设备科长"),
    ("yingkou-paper", "营口纸箱包装", "冯丽", "厂长"),
    ("suzhou-electronics", "苏州瑞思电子", "陈志明", "供应链总监"),
    ("hangzhou-textile", "杭州锦绣纺织", "何晓燕", "采购经理"),
    ("ningbo-valves", "宁波精工阀门", "邵伟", "技术总监"),
    ("foshan-ceramics", "佛山金陶瓷砖", "梁志强", "老板"),
    ("dongguan-plastics", "东莞美塑制品", "黄俊杰", "采购"),
    ("shenzhen-led", "深圳光明照明", "林晓峰", "产品经理"),
    ("guangzhou-food", "广州好味食品", "罗慧敏", "行政主管"),
    ("xiamen-export", "厦门鹭岛进出口", "许文斌", "外贸经理"),
    ("qingdao-tires", "青岛双星轮胎经销", "王建华", "经销商"),
    ("wuxi-bearings", "无锡精密轴承", "钱卫东", "副总"),
    ("changzhou-motors", "常州电机厂", "蒋文", "采购部长"),
    ("tianjin-logistics", "天津港通物流", "刘志刚", "运营总监"),
    ("jinan-pharma", "济南康宁药业", "马丽娟", "采购"),
    ("chengdu-hotpot", "成都蜀香火锅连锁", "杨帆", "店长"),
    ("wuhan-auto", "武汉东风配件", "胡斌", "配件经理"),
]

PEOPLE = [
    ("zhang-min", "张敏", "购房客户"), ("li-na", "李娜", "购房客户"), ("wang-qiang", "王强", "业主"),
    ("liu-fang", "刘芳", "业主"), ("chen-hao", "陈浩", "购房客户"), ("yang-xue", "杨雪", "业主"),
    ("zhao-jun", "赵军", "购房客户"), ("huang-li", "黄丽", "业主"), ("zhou-yu", "周宇", "购房客户"),
    ("wu-ting", "吴婷", "业主"), ("xu-lei", "徐磊", "购房客户"), ("sun-yue", "孙悦", "业主"),
    ("ma-chao", "马超", "购房客户"), ("zhu-lin", "朱琳", "业主"), ("hu-jie", "胡杰", "购房客户"),
    ("guo-jing", "郭静", "业主"), ("he-peng", "何鹏", "购房客户"), ("gao-yan", "高燕", "业主"),
    ("lin-feng", "林峰", "购房客户"), ("luo-xia", "罗霞", "业主"), ("liang-bo", "梁波", "购房客户"),
    ("song-jia", "宋佳", "业主"), ("zheng-kai", "郑凯", "购房客户"), ("xie-na", "谢娜", "业主"),
]

OWNERS = ["li-ming", "wang-fang", "chen-jing", "liu-yang", "li-ming", "wang-fang", "chen-jing"]
SOURCES = ["展会", "转介绍", "电话", "网络", "老客户介绍", "到访", "阿里巴巴"]
CHANNELS = ["电话", "微信", "电话", "到访", "邮件", "微信", "上门"]
NOTES = {
    "clear": ["确认了采购数量和交期", "客户要求月底前给正式报价", "决策人已经看过样品，比较满意",
              "预算已批，等合同条款", "约了下周到工厂验厂", "价格基本谈妥，在走内部审批"],
    "potential": ["明年有扩产计划，先保持联系", "现在有供应商，但对交期不满意", "发了产品资料，客户说再看看",
                  "客户在比较三家供应商"],
    "none": ["客户明确表示不需要，别再打电话", "公司已经转行", "联系人离职，新负责人没有需求"],
    None: ["第一次电话，只加了微信", "客户没空，说有需要再联系", "留了资料，还没回复"],
}


def _phone(rng: random.Random) -> str:
    block = f"1{rng.choice('3589')}{rng.randint(0, 9)}"
    block = {"154": "157", "194": "197"}.get(block, block)  # unassigned blocks: not valid numbers
    return f"{block} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def _plan() -> list[Spec]:
    """The sample set: (need, expected close offset, follow-up offsets) chosen per tier."""
    rng = random.Random(20261122)
    shapes = [
        # tier A (daily): clear need, close within 30 days of the last contact
        ("clear", 20, [12, 5, 1]), ("clear", 25, [9, 3]), ("clear", 10, [20, 6, 4]),
        ("clear", 30, [2, 0]), ("clear", 15, [30, 14, 7, 2]), ("clear", 5, [1]),
        ("clear", 28, [40, 20, 6]), ("clear", 12, [3]),
        # tier B (weekly): within ~3 months
        ("clear", 45, [25, 8]), ("clear", 60, [14, 6]), ("clear", 31, [3]), ("clear", 90, [35, 12]),
        ("clear", 75, [21, 9]), ("clear", 50, [4]), ("clear", 80, [60, 30, 16]), ("clear", 40, [7]),
        # tier C (every 15 days): within half a year
        ("clear", 120, [40, 18]), ("clear", 150, [30, 10]), ("clear", 91, [16]),
        ("clear", 180, [45, 25]), ("clear", 100, [5]), ("clear", 160, [70, 33, 20]),
        # tier D (monthly): potential need, clear but ≥ half a year away, or need not known yet
        ("potential", None, [50, 20]), ("potential", 200, [40]), ("clear", 240, [35]),
        ("potential", None, [90, 45]), (None, None, [10]), ("potential", None, [28]),
        ("clear", 365, [60]), (None, None, [33]), ("potential", None, [15]),
        # tier E (yearly): no need
        ("none", None, [200, 120]), ("none", None, [400]), ("none", None, [30]),
        ("none", None, [380, 370]),
        # a few more of the common middle tiers
        ("clear", 22, [8, 2]), ("clear", 66, [18, 11]), ("potential", None, [12]),
        ("clear", 130, [27, 9]), ("potential", None, [61, 31]),
    ]
    specs: list[Spec] = []
    companies = iter(COMPANIES)
    people = iter(PEOPLE)
    for n, (need, close_in, ago) in enumerate(shapes):
        if n % 2 == 0:
            cid, name, contact, role = next(companies)
        else:
            cid, contact, role = next(people)
            name = contact
        owner = OWNERS[n % len(OWNERS)]
        stage = {"clear": rng.choice(["3", "4", "5", "4"]), "potential": rng.choice(["1", "2"]),
                 "none": "0", None: "1"}[need]
        value = rng.choice([80_000, 150_000, 260_000, 1_200_000, 45_000, 3_500_000]) \
            if need in ("clear", "potential") else None
        specs.append(Spec(
            id=cid, name=name, owner=owner, source=SOURCES[n % len(SOURCES)], need=need,
            close_in=close_in, contacts_ago=ago, stage=stage, value=value,
            contact=(contact, role, _phone(rng)), note=rng.choice(NOTES[need]),
            registered_ago=ago[0] + rng.randint(0, 5),
            email=f"{cid.split('-')[0]}@example.com" if n % 3 == 0 else "",
            wechat=f"wx_{cid.replace('-', '')[:10]}" if n % 4 == 1 else "",
        ))
    # brand-new registrations: due on the day of registration (seed 004: 必须当日回访)
    for cid, contact, role in list(people)[:3]:
        specs.append(Spec(cid, contact, "liu-yang", "到访", None, None, [], "1", None,
                          (contact, role, _phone(rng)), "第一次到访，还没回访", registered_ago=0))
    specs[-1].registered_ago = 2  # registered two days ago and still not called back: overdue
    _special_cases(specs, rng)
    return specs


def _special_cases(specs: list[Spec], rng: random.Random) -> None:
    by_id = {s.id: s for s in specs}
    # a hand-set next call beyond the cadence ("春节后再联系" / 更改下次拨打时间)
    s = by_id["shenzhen-led"]
    s.next_in = 45
    s.note = "客户说项目延期，年后再联系"
    # a paused customer: no reminders until the pause ends
    by_id["guangzhou-food"].paused = (20, "客户出国考察，月中回来")
    # an expired contract (stage 7) a sales team would call first (seed 003)
    by_id["qingdao-tires"].stage = "7"
    # a referral from an old customer (seed 001: 老客户介绍)
    by_id["li-na"].referred_by = "zhang-min"
    by_id["li-na"].source = "老客户介绍"
    by_id["li-na"].owner = by_id["zhang-min"].owner  # a referral goes to the referrer's salesperson
    # 撞单: the same phone registered by two salespeople
    by_id["wang-qiang"].contact = (by_id["wang-qiang"].contact[0], "业主", by_id["zhang-min"].contact[2])
    by_id["hangzhou-textile"].contact = ("何晓燕", "采购经理", "+86 " + by_id["ningbo-valves"].contact[2])


def render(spec: Spec, anchor: dt.date) -> str:
    day = lambda ago: anchor - dt.timedelta(days=ago)  # noqa: E731
    last = day(spec.contacts_ago[-1]) if spec.contacts_ago else None
    registered = day(spec.registered_ago if spec.registered_ago is not None else 0)
    data = {"id": spec.id, "name": spec.name, "owner": spec.owner, "registered": registered,
            "source": spec.source}
    if spec.referred_by:
        data["referred_by"] = spec.referred_by
    name, role, phone = spec.contact
    contact = {"name": name, "role": role, "phone": Quoted(phone)}
    if spec.email:
        contact["email"] = spec.email
    if spec.wechat:
        contact["wechat"] = spec.wechat
    contact["decision_maker"] = True
    data["contacts"] = [contact]
    data["stage"] = Quoted(spec.stage)  # a stage is an id ("5"), never a number
    if spec.need:
        data["need"] = spec.need
    if spec.close_in is not None and last is not None:
        data["expected_close"] = last + dt.timedelta(days=spec.close_in)
    if spec.value is not None:
        data["deal_value"] = spec.value
    if spec.paused:
        until, reason = spec.paused
        data["paused"] = {"until": anchor + dt.timedelta(days=until), "reason": reason}
    if spec.contacts_ago:
        data["log"] = []
        for i, ago in enumerate(spec.contacts_ago):
            channel = CHANNELS[(i + len(spec.id)) % len(CHANNELS)]
            first = i == 0
            note = ("首次接触，留了联系方式" if first and len(spec.contacts_ago) > 1 else spec.note)
            entry = {"date": day(ago), "channel": channel, "by": spec.owner, "note": note}
            if i == len(spec.contacts_ago) - 1 and spec.next_in:
                entry["next"] = last + dt.timedelta(days=spec.next_in)
            data["log"].append(entry)
    return emit.document(data, body=f"{spec.name}：{spec.note}。\n",
                         comment=SAMPLE_MARK.removeprefix("# "), block_items=True)


def write_samples(root: Path, anchor: dt.date) -> int:
    """Write (or rewrite) every sample customer under ``root/customers``. Returns the count."""
    folder = root / "customers"
    folder.mkdir(exist_ok=True)
    specs = _plan()
    for spec in specs:
        path = folder / f"{spec.id}.md"
        new = render(spec, anchor).encode("utf-8")
        if path.exists():
            atomic.replace(root, path, None, new)
        else:
            atomic.create(root, path, new)
    return len(specs)
